import { describe, expect, it } from 'vitest';
import { hasPdfSignature } from './pdf-signature';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('hasPdfSignature', () => {
  it('accepts a %PDF- header at the start or after a short preamble', () => {
    expect(hasPdfSignature(bytes('%PDF-1.7\n'))).toBe(true);
    expect(hasPdfSignature(bytes(`${'x'.repeat(100)}%PDF-1.4`))).toBe(true);
  });

  it('rejects other content, a header past the first 1024 bytes, and empty files', () => {
    expect(hasPdfSignature(bytes('Revenue reached $10.5 million.'))).toBe(false);
    expect(hasPdfSignature(bytes(`${'x'.repeat(1024)}%PDF-1.4`))).toBe(false);
    expect(hasPdfSignature(bytes('%PDF'))).toBe(false);
    expect(hasPdfSignature(new Uint8Array())).toBe(false);
  });
});
