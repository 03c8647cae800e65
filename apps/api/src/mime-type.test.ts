import { describe, expect, it } from 'vitest';
import { detectMimeType } from './mime-type';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('detectMimeType', () => {
  it('trusts content, not the declared type', () => {
    expect(detectMimeType(bytes('%PDF-1.7\n…'), 'application/octet-stream')).toBe('application/pdf');
    expect(detectMimeType(bytes('just some words'), 'application/pdf')).toBe('text/plain');
    expect(detectMimeType(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]), 'application/pdf')).toBe(
      'image/png',
    );
    expect(detectMimeType(new Uint8Array([0, 1, 2, 3, 0xff]), 'application/pdf')).toBe('application/octet-stream');
  });

  it('keeps a declared text subtype for text content', () => {
    expect(detectMimeType(bytes('a,b\n1,2'), 'text/csv; charset=utf-8')).toBe('text/csv');
    expect(detectMimeType(bytes('{"a":1}'), 'application/json')).toBe('application/json');
    expect(detectMimeType(bytes('héllo wörld'), '')).toBe('text/plain');
  });
});
