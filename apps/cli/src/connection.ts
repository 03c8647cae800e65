import { readFileSync } from 'node:fs';
import { createOrdoClient, type OrdoClient } from '@ordo/client';
import { UsageError } from './cli-error';
import type { CliEnv } from './env';

/** The API the CLI talks to when nothing says otherwise (`./ordo dev`'s). */
export const DEFAULT_API_URL = 'http://127.0.0.1:3000';

/** The config file: `{ "api_url": "…", "api_key": "…" }`. */
interface ConfigFile {
  api_url?: string;
  api_key?: string;
}

/**
 * The API's URL and key: `ORDO_API_URL`/`ORDO_API_KEY` first, then the config file
 * (`--config`, or the default one when it exists), then {@link DEFAULT_API_URL} and no key.
 */
export function resolveConnection(env: CliEnv, configFlag: string | undefined): { url: string; key?: string } {
  const config = readConfig(configFlag ?? env.configPath, configFlag !== undefined);
  const key = env.apiKey ?? config.api_key;
  return { url: env.apiUrl ?? config.api_url ?? DEFAULT_API_URL, ...(key && { key }) };
}

function readConfig(path: string, required: boolean): ConfigFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (!required && (err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new UsageError(`cannot read the config file ${path}: ${(err as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`the config file ${path} is not JSON: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new UsageError(`the config file ${path} must be an object: { "api_url": "…", "api_key": "…" }`);
  const { api_url, api_key } = parsed as Record<string, unknown>;
  for (const [name, value] of Object.entries({ api_url, api_key }))
    if (value !== undefined && typeof value !== 'string')
      throw new UsageError(`the config file ${path}: ${name} must be a string`);
  return parsed;
}

/** A client on the resolved connection. */
export function connect(env: CliEnv, configFlag: string | undefined): OrdoClient {
  const { url, key } = resolveConnection(env, configFlag);
  return createOrdoClient({ baseUrl: url, ...(key && { apiKey: key }) });
}
