// The fast path for a large base64 field of a form body (the traffic API's `data`: ~900 kB for a
// week of minutes). The general path form-decodes the value (decodeURIComponent), normalises and
// checks it with regular expressions (./base64-field.ts), decodes it, then checks and converts
// the UTF-8: each a pass over a megabyte string, several slower than base64 itself. Here the
// three escapes that form encoders write for base64 (%2B %2F %3D) are replaced natively and
// atob decodes the text straight to a string of one character per byte (what the column reader
// reads). atob refuses any character outside A-Z a-z 0-9 + / and padding that does not complete
// a group of 4, and reads the rest exactly as the general path does, except for white space,
// which it drops: a value with a space or a form feed (which the general path reads as '+' or
// refuses) is left to the general path; tabs and line breaks both drop.
//
// Accepting only what form decoding + decodeBase64Text would accept, with the same bytes, or
// giving up (undefined) and leaving the value to that general path (which answers the same or
// says what is wrong), is what keeps this safe: anything unusual (other escapes, the URL-safe
// alphabet, stray characters) simply takes the general path.

/** The bytes the form-encoded base64 value body[start..end) stands for, as a string of one
 * character per byte (latin1), or undefined. */
export function decodeFormBase64(body: Buffer, start: number, end: number): string | undefined {
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
  if (text.includes(" ") || text.includes("\f")) return undefined;
  try {
    return atob(text);
  } catch {
    return undefined; // not base64: the general path says what is wrong
  }
}
