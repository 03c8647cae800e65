import { describe, expect, it } from 'vitest';
import { pdfMetadata } from './pdf-metadata';

const neverParsed = (): Date | null => {
  throw new Error('no date to parse');
};

describe('pdfMetadata', () => {
  it('reads the info dictionary, trimmed, with the creation date as ISO 8601', () => {
    const metadata = pdfMetadata(
      {
        info: {
          Title: ' Q4 Report\0',
          Author: 'Finance',
          Subject: '',
          Creator: 'Writer',
          Producer: 'GPL Ghostscript',
          CreationDate: 'D:20240131090000Z',
        },
        metadata: null,
      },
      (value) => (value === 'D:20240131090000Z' ? new Date(Date.UTC(2024, 0, 31, 9)) : null),
    );
    expect(metadata).toEqual({
      title: 'Q4 Report',
      author: 'Finance',
      creator: 'Writer',
      producer: 'GPL Ghostscript',
      creation_date: '2024-01-31T09:00:00.000Z',
    });
  });

  it('falls back to XMP for the title and author', () => {
    const xmp = new Map<string, unknown>([
      ['dc:title', 'From XMP'],
      ['dc:creator', ['Ann', 'Bo']],
    ]);
    expect(pdfMetadata({ info: {}, metadata: { get: (name) => xmp.get(name) } }, neverParsed)).toEqual({
      title: 'From XMP',
      author: 'Ann, Bo',
    });
  });

  it('leaves out a creation date it cannot read, and tolerates a missing info dictionary', () => {
    expect(pdfMetadata({ info: { CreationDate: 'yesterday' }, metadata: null }, () => null)).toEqual({});
    expect(pdfMetadata({ info: { CreationDate: 'D:2024' }, metadata: null }, () => new Date(Number.NaN))).toEqual({});
    expect(pdfMetadata({ info: undefined, metadata: null }, neverParsed)).toEqual({});
  });
});
