import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';
import { workflowsPath } from '../src/worker';

// Bundling at build time catches workflow code that cannot run in Temporal's
// sandbox (a Node built-in slipping past lint, say) before any worker starts.
const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'workflow-bundle.js');
const { code } = await bundleWorkflowCode({ workflowsPath });
await mkdir(dirname(out), { recursive: true });
await writeFile(out, code);
console.log(`Workflow bundle written to ${out} (${Math.round(code.length / 1024)} KiB)`);
