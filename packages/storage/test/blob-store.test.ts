import { createHash } from 'node:crypto';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveValueRecord, storeLargeValues } from '@ordo/core';
import { tempDataDir } from '@ordo/testing';
import { DiskBlobStore, isSha256Hex } from '../src/index';

const sha256Of = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('DiskBlobStore', () => {
  let dir: Awaited<ReturnType<typeof tempDataDir>>;
  let blobs: DiskBlobStore;

  beforeEach(async () => {
    dir = await tempDataDir('blobs');
    blobs = new DiskBlobStore(join(dir.path, 'blobs'));
  });

  afterEach(() => dir.remove());

  it('stores bytes under their SHA-256 in a two-digit fan-out folder and reads them back', async () => {
    const bytes = new TextEncoder().encode('hello blobs');
    const sha256 = sha256Of(bytes);
    expect(await blobs.put(bytes)).toEqual({ sha256, size: bytes.byteLength });
    expect(await readFile(join(dir.path, 'blobs', sha256.slice(0, 2), sha256), 'utf8')).toBe('hello blobs');
    expect(new TextDecoder().decode(await blobs.get(sha256))).toBe('hello blobs');
    expect(await blobs.has(sha256)).toBe(true);
  });

  it('is idempotent: the same bytes again, even concurrently, leave one file and no temporary ones', async () => {
    const bytes = new Uint8Array(300_000).map((_, i) => i % 251);
    const results = await Promise.all(Array.from({ length: 8 }, () => blobs.put(bytes)));
    expect(new Set(results.map((r) => r.sha256)).size).toBe(1);
    const sha256 = results[0]!.sha256;
    const before = await stat(join(dir.path, 'blobs', sha256.slice(0, 2), sha256));
    expect(await blobs.put(bytes)).toEqual({ sha256, size: 300_000 });
    expect((await stat(join(dir.path, 'blobs', sha256.slice(0, 2), sha256))).mtimeMs).toBe(before.mtimeMs);
    expect(await readdir(join(dir.path, 'blobs', sha256.slice(0, 2)))).toEqual([sha256]);
    expect(Buffer.from((await blobs.get(sha256))!).equals(Buffer.from(bytes))).toBe(true);
  });

  it('stores empty content', async () => {
    const { sha256, size } = await blobs.put(new Uint8Array());
    expect(size).toBe(0);
    expect(sha256).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(await blobs.get(sha256)).toEqual(new Uint8Array());
  });

  it('rewrites a blob left truncated by something else instead of trusting it', async () => {
    const bytes = new TextEncoder().encode('complete content');
    const sha256 = sha256Of(bytes);
    await blobs.put(new TextEncoder().encode('x'));
    await blobs.put(bytes);
    await writeFile(join(dir.path, 'blobs', sha256.slice(0, 2), sha256), 'comp');
    await blobs.put(bytes);
    expect(new TextDecoder().decode(await blobs.get(sha256))).toBe('complete content');
  });

  it('answers undefined for a hash it does not have, and never touches paths for a malformed one', async () => {
    expect(await blobs.get('0'.repeat(64))).toBeUndefined();
    await writeFile(join(dir.path, 'secret'), 'not a blob');
    for (const bad of ['../secret', '../../secret', 'A'.repeat(64), '0'.repeat(63), `${'0'.repeat(64)}/x`, '']) {
      expect(isSha256Hex(bad)).toBe(false);
      expect(await blobs.get(bad)).toBeUndefined();
      expect(await blobs.has(bad)).toBe(false);
    }
  });

  it('keeps large job values for @ordo/core and gives them back by reference', async () => {
    const big = 'x'.repeat(400_000);
    const stored = await storeLargeValues({ small: 'a', big }, blobs, 256 * 1024);
    expect(stored.small).toBe('a');
    expect(stored.big).toMatchObject({ $ref: expect.stringMatching(/^blob:sha256:[0-9a-f]{64}$/), type: 'string' });
    expect(await resolveValueRecord(stored, blobs)).toEqual({ small: 'a', big });
  });
});
