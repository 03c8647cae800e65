/** Signatures of the binary formats Ordo's tools read or users commonly upload. */
const SIGNATURES: { type: string; bytes: number[]; offset?: number; within?: number }[] = [
  // Readers accept the PDF header anywhere in the first 1024 bytes, after junk such as a mail preamble.
  { type: 'application/pdf', bytes: [0x25, 0x50, 0x44, 0x46, 0x2d], within: 1024 },
  { type: 'image/png', bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { type: 'image/jpeg', bytes: [0xff, 0xd8, 0xff] },
  { type: 'image/gif', bytes: [0x47, 0x49, 0x46, 0x38] },
  { type: 'application/zip', bytes: [0x50, 0x4b, 0x03, 0x04] },
  { type: 'application/gzip', bytes: [0x1f, 0x8b] },
];

function matchesAt(bytes: Uint8Array, signature: number[], offset: number): boolean {
  return signature.every((b, i) => bytes[offset + i] === b);
}

function isText(bytes: Uint8Array): boolean {
  const sample = bytes.subarray(0, 64 * 1024);
  if (sample.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(sample.length === bytes.length ? sample : trimPartialUtf8(sample));
    return true;
  } catch {
    return false;
  }
}

// A sample cut inside a multi-byte character would fail to decode for that reason alone.
function trimPartialUtf8(sample: Uint8Array): Uint8Array {
  let end = sample.length;
  for (let back = 1; back <= 3 && end - back >= 0; back++) {
    const byte = sample[end - back]!;
    if ((byte & 0xc0) !== 0x80) {
      if (byte >= 0xc0) end -= back;
      break;
    }
  }
  return sample.subarray(0, end);
}

/**
 * The MIME type of uploaded bytes, from their content, never from the name or the type
 * the client declared: a text file sent as `application/pdf` is text. A declared type is
 * kept only where the content cannot say more and agrees with it (a `text/…` subtype for
 * text, anything for unrecognised binary is `application/octet-stream`).
 */
export function detectMimeType(bytes: Uint8Array, declared: string): string {
  for (const signature of SIGNATURES) {
    const last = signature.within === undefined ? 0 : Math.min(bytes.length, signature.within) - signature.bytes.length;
    for (let offset = signature.offset ?? 0; offset <= last; offset++) {
      if (matchesAt(bytes, signature.bytes, offset)) return signature.type;
    }
  }
  const declaredType = declared.split(';')[0]?.trim().toLowerCase() ?? '';
  if (isText(bytes)) {
    if (/^text\/[a-z0-9.+-]+$/.test(declaredType)) return declaredType;
    if (declaredType === 'application/json' || declaredType === 'application/xml') return declaredType;
    return 'text/plain';
  }
  return 'application/octet-stream';
}
