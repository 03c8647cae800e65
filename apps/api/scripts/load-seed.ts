/**
 * Waits for the API to be healthy, then creates seed 002's example workflow
 * (`infra/seed/wf_analyze_document.json`) unless it exists. Used by `./ordo dev`.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const base = process.argv[2] ?? 'http://127.0.0.1:3000';
const seedPath = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'infra', 'seed', 'wf_analyze_document.json');

async function waitForHealth(deadline: number): Promise<void> {
  for (;;) {
    try {
      const res = await fetch(`${base}/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`the API at ${base} did not become healthy in time`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

await waitForHealth(Date.now() + 120_000);
const body = await readFile(seedPath, 'utf8');
const { workflow_id } = JSON.parse(body) as { workflow_id: string };
const existing = await fetch(`${base}/v1/workflows/${workflow_id}`);
if (existing.ok) {
  console.log(`seed: workflow '${workflow_id}' already exists`);
} else {
  const res = await fetch(`${base}/v1/workflows`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  if (!res.ok) throw new Error(`seed: creating '${workflow_id}' failed: ${res.status} ${await res.text()}`);
  console.log(`seed: created workflow '${workflow_id}' (PUBLISHED)`);
}
