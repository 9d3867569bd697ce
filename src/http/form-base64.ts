// The fast path for a large base64 field of a form body (the traffic API's `data`: ~900 kB for a
// week of minutes). The general path form-decodes the value (decodeURIComponent), normalises and
// checks it with regular expressions (./base64-field.ts), decodes it, then checks and converts
// the UTF-8: each a pass over a megabyte string, several slower than base64 itself. Here the
// three escapes that form encoders write for base64 (%2B %2F %3D) are replaced natively and the
// text is decoded natively; it is accepted when it has the shape of base64 (padding that
// completes a group of 4, no single dangling character) and decoded to as many bytes as that
// many characters make. Node's decoder skips characters outside its alphabet and stops at an
// '=' inside the text, and either makes fewer bytes: so a full count means every character was
// one of A-Z a-z 0-9 + / or the URL-safe - _, which the general path reads the same way.
//
// Accepting only what form decoding + decodeBase64Text would accept, with the same bytes, or
// giving up (undefined) and leaving the value to that general path (which answers the same or
// says what is wrong), is what keeps this safe: anything unusual (other escapes, line breaks,
// a space, stray characters) simply takes the general path.

/** The bytes the form-encoded base64 value bytes[start..end) stands for, or undefined. */
export function decodeFormBase64(body: Buffer, start: number, end: number): Buffer | undefined {
  if (end <= start) return undefined;
  let text = body.toString("latin1", start, end);
  const percent = body.indexOf(37 /* % */, start);
  if (percent >= 0 && percent < end) {
    text = text.replaceAll("%2B", "+").replaceAll("%2F", "/").replaceAll("%3D", "=");
    if (text.includes("%")) { // lower-case escapes are rare: three more passes only for them
      text = text.replaceAll("%2b", "+").replaceAll("%2f", "/").replaceAll("%3d", "=");
      if (text.includes("%")) return undefined;
    }
  }
  // A raw '+' is a space once form-decoded, and a space is read back as '+': nothing to do.
  let chars = text.length;
  while (chars > 0 && text.charCodeAt(chars - 1) === 61 /* = */) chars--;
  const padding = text.length - chars;
  if (padding > 2 || (padding > 0 && text.length % 4 !== 0) || chars % 4 === 1) return undefined;
  const bytes = Buffer.from(text, "base64");
  return bytes.length === Math.floor((chars * 3) / 4) ? bytes : undefined;
}
