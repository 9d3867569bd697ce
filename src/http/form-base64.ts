// The fast path for a large base64 field of a form body (the traffic API's `data`: ~900 kB for a
// week of minutes). The general path form-decodes the value (decodeURIComponent), normalises and
// checks it with regular expressions (./base64-field.ts), decodes it, then checks and converts
// the UTF-8: each a pass over a megabyte string, several slower than base64 itself. Here the
// three escapes that form encoders write for base64 (%2B %2F %3D) are replaced natively, the
// text is decoded, and it is accepted only when it is canonical base64: encoding the bytes again
// gives the text back (so every character was in the alphabet and the padding was right).
//
// Accepting only what form decoding + decodeBase64Text would accept, with the same bytes, or
// giving up (undefined) and leaving the value to that general path (which answers the same or
// says what is wrong), is what keeps this safe: anything unusual (other escapes, line breaks,
// the URL-safe alphabet, a space, non-zero spare bits) simply takes the general path.

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
  const rest = text.length % 4;
  if (rest !== 0 && text.charCodeAt(text.length - 1) === 61 /* = */) return undefined; // padding must complete 4
  const bytes = Buffer.from(text, "base64");
  const canonical = bytes.toString("base64");
  return canonical === (rest === 0 ? text : rest === 2 ? text + "==" : text + "=") ? bytes : undefined;
}
