import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ParseCache } from './parse-cache';

const Item = z.object({ name: z.string(), tags: z.array(z.string()).default([]) });

describe('ParseCache', () => {
  it('answers a text seen before with what the schema made of it, as a copy of its own', () => {
    let parses = 0;
    const cache = new ParseCache(Item.transform((item) => (parses++, item)));
    const first = cache.parse('{"name":"a"}');
    const second = cache.parse('{"name":"a"}');
    expect(first).toEqual({ name: 'a', tags: [] });
    expect(second).toEqual(first);
    expect(parses).toBe(1);
    second.tags.push('changed');
    expect(cache.parse('{"name":"a"}')).toEqual({ name: 'a', tags: [] });
  });

  it('parses every new text, and throws the schema error for one that does not match', () => {
    const cache = new ParseCache(Item);
    expect(cache.parse('{"name":"b","tags":["x"]}')).toEqual({ name: 'b', tags: ['x'] });
    expect(() => cache.parse('{"name":1}')).toThrow(z.ZodError);
    expect(cache.parseKeyed('k', () => ({ name: 'c' }))).toEqual({ name: 'c', tags: [] });
    expect(cache.parseKeyed('k', () => ({ name: 'not asked' }))).toEqual({ name: 'c', tags: [] });
  });
});
