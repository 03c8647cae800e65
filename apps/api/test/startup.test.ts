import { describe, expect, it } from 'vitest';
import { freePort, startOrdoProcess, tempDataDir, type OrdoProcess } from '@ordo/testing';
import { TEST_TOOL_DESCRIPTORS, TOOL_DESCRIPTORS } from '@ordo/tools';

/** The exit code of a process that ends by itself, once its output is all read. */
function exitCode(p: OrdoProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (p.child.exitCode !== null && p.child.stdout?.readableEnded) resolve(p.child.exitCode);
    else p.child.once('close', (code: number | null) => resolve(code));
  });
}

/** The real processes refuse a bad environment at start-up, naming every bad variable. */
describe('start-up configuration', () => {
  it('the API refuses to start without a key (unless ORDO_AUTH=off), listing each bad variable on its own line', async () => {
    const dir = await tempDataDir('startup');
    try {
      const api = startOrdoProcess('api', {
        ORDO_API_KEYS: '',
        ORDO_AUTH: '',
        PORT: '99999',
        TEMPORAL_TLS_CLIENT_KEY_PATH: '/nonexistent/key.pem',
        ORDO_DATA_DIR: dir.path,
        DATABASE_URL: '',
      });
      expect(await exitCode(api)).toBe(1);
      expect(api.output()).toContain('Invalid API environment (4 problems):');
      expect(api.output()).toContain('  PORT: must be 0–65535');
      expect(api.output()).toContain('  TEMPORAL_TLS_CLIENT_KEY_PATH: must name a file this process can read');
      expect(api.output()).toContain('  ORDO_API_KEYS: must hold at least one API key');
      expect(api.output()).toContain(
        '  TEMPORAL_TLS_CLIENT_CERT_PATH: is required when TEMPORAL_TLS_CLIENT_KEY_PATH is set',
      );
      // No stack trace: the list is the message.
      expect(api.output()).not.toMatch(/\n\s+at /);
    } finally {
      await dir.remove();
    }
  });

  it('the worker refuses a bad environment the same way', async () => {
    const worker = startOrdoProcess('worker', {
      TEMPORAL_ADDRESS: 'nowhere',
      ORDO_HTTP_ALLOWED_HOSTS: 'https://x.example/',
    });
    expect(await exitCode(worker)).toBe(1);
    expect(worker.output()).toContain(
      'Invalid worker environment (2 problems):\n  TEMPORAL_ADDRESS: must be host:port, e.g. 127.0.0.1:7233\n  ORDO_HTTP_ALLOWED_HOSTS.0:',
    );
  });

  it('the API starts with authentication off when told so explicitly, and says so', async () => {
    const dir = await tempDataDir('startup-off');
    const port = await freePort();
    const api = startOrdoProcess('api', {
      ORDO_API_KEYS: '',
      ORDO_AUTH: 'off',
      PORT: String(port),
      HOST: '127.0.0.1',
      ORDO_DATA_DIR: dir.path,
      DATABASE_URL: '',
      ORDO_TASK_QUEUE: 'startup-queue',
      ORDO_TEST_TOOLS: '1',
    });
    try {
      const deadline = Date.now() + 60_000;
      // The warning goes to stderr and 'listening' to stdout: two pipes, read in either order.
      while (
        !(api.output().includes('listening') && api.output().includes('authentication is OFF')) &&
        Date.now() < deadline
      )
        await new Promise((resolve) => setTimeout(resolve, 100));
      expect(api.output()).toContain('authentication is OFF');
      const tools = await fetch(`http://127.0.0.1:${port}/v1/tools`);
      expect(tools.status).toBe(200);
      // No worker has started on this database: the API registered the built-in tools (and,
      // with ORDO_TEST_TOOLS=1, the test tools) itself, on its own task queue, so a fresh
      // stack can publish before a worker is up.
      const { items } = (await tools.json()) as { items: { tool_id: string; task_queue: string }[] };
      expect(items.map((t) => t.tool_id).sort()).toEqual(
        [...TOOL_DESCRIPTORS, ...TEST_TOOL_DESCRIPTORS].map((d) => d.tool_id).sort(),
      );
      expect(new Set(items.map((t) => t.task_queue))).toEqual(new Set(['startup-queue']));
    } finally {
      await api.stop();
      await dir.remove();
    }
  });
});
