/**
 * Waits for the API to be ready (its database and Temporal answer, and the worker `./ordo dev`
 * started polls, so the banner that follows is true), then creates seed 002's example workflow (docs/contract.md)
 * (`infra/seed/wf_analyze_document.json`) unless it exists. Used by `./ordo dev`, which
 * passes the API's URL as the argument and its API key on stdin (empty when auth is off).
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { text } from 'node:stream/consumers';
import { fileURLToPath } from 'node:url';

const base = process.argv[2] ?? 'http://127.0.0.1:3000';
const key = (await text(process.stdin)).trim();
const seedPath = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  'infra',
  'seed',
  'wf_analyze_document.json',
);
const headers: Record<string, string> = key === '' ? {} : { authorization: `Bearer ${key}` };

async function waitForReady(deadline: number): Promise<void> {
  for (;;) {
    try {
      const res = await fetch(`${base}/ready`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`the API at ${base} did not become ready in time`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

await waitForReady(Date.now() + 120_000);
const body = await readFile(seedPath, 'utf8');
const { workflow_id } = JSON.parse(body) as { workflow_id: string };
const existing = await fetch(`${base}/v1/workflows/${workflow_id}`, { headers });
if (existing.ok) {
  console.log(`seed: workflow '${workflow_id}' already exists`);
} else {
  const res = await fetch(`${base}/v1/workflows`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body,
  });
  if (!res.ok) throw new Error(`seed: creating '${workflow_id}' failed: ${res.status} ${await res.text()}`);
  console.log(`seed: created workflow '${workflow_id}' (PUBLISHED)`);
}
