import { describe, expect, it } from 'vitest';
import { applyOutputMappings, resolveParameters } from './mappings';

describe('resolveParameters', () => {
  const declared = new Set(['input_doc', 'depth', 'document_text']);

  it('reads declared variables and passes other values as literals (seed 002)', () => {
    const params = resolveParameters(
      { input_file: 'input_doc', extraction_mode: 'full', pages: 3, flags: { ocr: false } },
      { input_doc: { file_id: 'file_1', name: 'a.pdf' } },
      declared,
    );
    expect(params).toEqual({ input_file: { file_id: 'file_1', name: 'a.pdf' }, extraction_mode: 'full', pages: 3, flags: { ocr: false } });
  });

  it('leaves out a declared variable that has no value instead of passing its name', () => {
    expect(resolveParameters({ analysis_level: 'depth' }, {}, declared)).toEqual({});
  });
});

describe('applyOutputMappings', () => {
  it('writes tool outputs into job variables', () => {
    expect(applyOutputMappings({ extracted_text: 'document_text' }, { extracted_text: 'hello', page_count: 1 })).toEqual({
      ok: true,
      written: { document_text: 'hello' },
    });
  });

  it('reports outputs the tool did not return', () => {
    expect(applyOutputMappings({ a: 'x', b: 'y' }, { a: 1 })).toEqual({ ok: false, missing: ['b'] });
  });
});
