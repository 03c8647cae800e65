/**
 * Builds the `ordo` bin npm installs: `dist/ordo.js`, one ESM file with `@ordo/client`, the
 * CLI's own code and its third-party packages (commander, yaml, openapi-fetch, …) inlined, so
 * the packed package has no dependency at all and installs offline. Only Node's built-in
 * modules stay imports. `./ordo <noun> <verb>` in a checkout does not use it (bin/ordo.js
 * runs the source through tsx).
 *
 * Run by `pnpm --filter @ordo/cli build`, and before `pnpm --filter @ordo/cli pack` (prepack).
 */
import { chmod } from 'node:fs/promises';
import { builtinModules, isBuiltin } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';

const cliDir = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Where the bundle is written: the package's `bin.ordo`. */
const CLI_BUNDLE = join(cliDir, 'dist', 'ordo.js');

/** Bundles the CLI into {@link CLI_BUNDLE} and answers esbuild's metafile (what it imports). */
async function buildCli(): Promise<Metafile> {
  const result = await build({
    entryPoints: [join(cliDir, 'src', 'main.ts')],
    outfile: CLI_BUNDLE,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Node's built-ins are the only imports left (`node:fs`, and `events` as commander names it).
    external: [...builtinModules, ...builtinModules.map((name) => `node:${name}`)],
    // commander and yaml are CommonJS: their `require()` of Node's built-ins needs a `require`
    // in an ES module, which Node does not give one.
    banner: {
      js: [
        '#!/usr/bin/env node',
        "import { createRequire as __ordoCreateRequire } from 'node:module';",
        'const require = __ordoCreateRequire(import.meta.url);',
      ].join('\n'),
    },
    legalComments: 'eof',
    metafile: true,
    logLevel: 'warning',
  });
  await chmod(CLI_BUNDLE, 0o755);
  return result.metafile;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const metafile = await buildCli();
  // What the bundle still imports at run time: each must be one of Node's built-ins.
  const foreign = Object.values(metafile.outputs)
    .flatMap((output) => output.imports.map((i) => i.path))
    .filter((path) => !isBuiltin(path));
  if (foreign.length > 0) throw new Error(`the bundle imports what it should inline: ${foreign.join(', ')}`);
  console.log(`built ${CLI_BUNDLE}`);
}
