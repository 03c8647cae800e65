/** The `ordo` command (bin/ordo.js, `./ordo <noun> <verb>` in a checkout). */
import { loadCliEnv } from './env';
import { runCli } from './program';

process.exitCode = await runCli(process.argv.slice(2), loadCliEnv());
