// The fast path for a large base64 field of a form body (the traffic API's `data`: ~900 kB for a
// week of minutes). The general path form-decodes the value (decodeURIComponent), normalises and
// checks it with regular expressions (./base64-field.ts), decodes it, then checks and converts
// the UTF-8: each a pass over a megabyte string, several slower than base64 itself. Here the
// value is decoded straight into the bytes the column reader reads, a piece at a time: each
// piece's text (the three escapes that form encoders write for base64, %2B %2F %3D, replaced) is
// checked as the general path checks the whole value (isBase64) and decoded natively into the
// answer's buffer. The pieces are small strings that die young; the whole value as one string
// (and its decoding as another) would be put by V8 straight into the old generation, and two
// such strings a request made the service run a full garbage collection every ~30 requests.
//
// Accepting only what form decoding + decodeBase64Text would accept, with the same bytes, or
// giving up (undefined) and leaving the value to that general path (which answers the same or
// says what is wrong), is what keeps this safe: anything unusual (other escapes, white space,
// the URL-safe alphabet, stray characters) simply takes the general path. A '+' sent raw is read
// as '+': form decoding makes it a space, which the general path reads back as '+'.
import { isBase64 } from "./base64-field";

/** Bytes of the value read at a time: a multiple of 4, and its string small enough for V8's
 * young generation (objects over 128 kB go to the old one). */
const PIECE = 1 << 16;
const PERCENT = 37, EQUALS = 61;

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
    // Padding only at the value's end; isBase64 checks it there.
    if (!isBase64(group) || (!last && group.charCodeAt(whole - 1) === EQUALS)) return undefined;
    size += out.write(group, size, "base64");
  }
  return out.subarray(0, size);
}
