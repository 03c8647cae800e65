#!/usr/bin/env node
// The `ordo` command. Ordo's packages ship TypeScript source, so the CLI runs through tsx's
// loader (a dependency of this package) rather than from a build.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
