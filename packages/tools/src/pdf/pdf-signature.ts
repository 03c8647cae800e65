const SIGNATURE = [0x25, 0x50, 0x44, 0x46, 0x2d]; // "%PDF-"

// Readers (Acrobat, pdf.js) accept the header anywhere in the first 1024 bytes, after
// junk such as a mail or HTTP preamble, so a stricter check would reject files they open.
const HEADER_WINDOW = 1024;

/** Whether `bytes` look like a PDF: the `%PDF-` header within the first 1024 bytes. */
export function hasPdfSignature(bytes: Uint8Array): boolean {
  const end = Math.min(bytes.length, HEADER_WINDOW) - SIGNATURE.length;
  for (let start = 0; start <= end; start++) {
    if (SIGNATURE.every((byte, i) => bytes[start + i] === byte)) return true;
  }
  return false;
}
