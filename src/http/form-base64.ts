// The fast path for a large base64 field of a form body (the traffic API's `data`: ~900 kB for a
// week of minutes). The general path form-decodes the value (decodeURIComponent), normalises and
// checks it with regular expressions (./base64-field.ts), decodes it, then checks and converts
// the UTF-8: each a pass over a megabyte string, several slower than base64 itself. Here the
// value is decoded straight into the bytes the column reader reads, a piece at a time: each
// piece's text (the three escapes that form encoders write for base64, %2B %2F %3D, replaced) is
// decoded natively into the answer's buffer and checked by the count of bytes it gave (below). The pieces are small strings that die young; the whole value as one string
// (and its decoding as another) would be put by V8 straight into the old generation, and two
// such strings a request made the service run a full garbage collection every ~30 requests.
//
// Accepting only what form decoding + decodeBase64Text would accept, with the same bytes, or
// giving up (undefined) and leaving the value to that general path (which answers the same or
// says what is wrong), is what keeps this safe: anything unusual (other escapes, white space,
// the URL-safe alphabet, stray characters) simply takes the general path. A '+' sent raw is read
// as '+': form decoding makes it a space, which the general path reads back as '+'.
import { unpaddedLength } from "./base64-field";

/** Bytes of the value read at a time: a multiple of 4, and its string small enough for V8's
 * young generation (objects over 128 kB go to the old one). */
const PIECE = 1 << 16;
const PERCENT = 37;

/** The form-encoded value body[start..end) with its escapes of '+', '/' and '=' replaced, or
 * undefined when it holds another '%'. */
function unescaped(body: Buffer, start: number, end: number): string | undefined {
  let text = body.toString("latin1", start, end);
  if (!text.includes("%")) return text;
  text = text.replaceAll("%2B", "+").replaceAll("%2F", "/").replaceAll("%3D", "=");
  if (!text.includes("%")) return text;
  text = text.replaceAll("%2b", "+").replaceAll("%2f", "/").replaceAll("%3d", "="); // rare: lower case
  return text.includes("%") ? undefined : text;
}

/** How a piece is checked without a scan of its own (a regular expression over the ~900 kB of a
 * week of minutes cost ~1 ms a request): Node's base64 decoder skips, or stops at, any character
 * outside the alphabet (A-Z a-z 0-9 + / and the URL-safe - _, which the general path reads as + /
 * too), so n characters give floor(3n / 4) bytes only when every one of them is in it; fewer
 * bytes mean another character (white space, an '=' before the value's end, a stray byte), and
 * the general path takes the value. Only the value's last piece may end in padding, by
 * isBase64's rules (unpaddedLength). */
function expectedBytes(group: string, last: boolean): number | undefined {
  const end = last ? unpaddedLength(group) : group.length;
  return end === undefined ? undefined : Math.floor((3 * end) / 4);
}

/** The bytes the form-encoded base64 value body[start..end) stands for, or undefined. */
export function decodeFormBase64(body: Buffer, start: number, end: number): Buffer | undefined {
  if (end <= start) return undefined;
  const out = Buffer.allocUnsafe(Math.ceil((end - start) / 4) * 3);
  let size = 0, carried = "";
  for (let at = start; at < end;) {
    let stop = Math.min(end, at + PIECE);
    // An escape is not cut in two: the piece stops before a '%' among its last two bytes.
    for (let k = stop - 1; stop < end && k >= stop - 2; k--) if (body[k] === PERCENT) { stop = k; break; }
    const text = unescaped(body, at, stop);
    if (text === undefined) return undefined;
    at = stop;
    // Whole groups of 4 but in the last piece; the rest is read with the next piece.
    const last = at === end, joined = carried + text;
    const whole = last ? joined.length : joined.length - (joined.length % 4);
    const group = joined.slice(0, whole);
    carried = joined.slice(whole);
    const expected = expectedBytes(group, last);
    if (expected === undefined || out.write(group, size, "base64") !== expected) return undefined;
    size += expected;
  }
  return out.subarray(0, size);
}
