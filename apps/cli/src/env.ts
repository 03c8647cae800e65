import { homedir } from 'node:os';
import { join } from 'node:path';

/** What the CLI reads of its environment; the only module that reads `process.env`. */
export interface CliEnv {
  /** `ORDO_API_URL`: the API's base URL. */
  apiUrl?: string;
  /** `ORDO_API_KEY`: the key sent as `Authorization: Bearer`. */
  apiKey?: string;
  /** `ORDO_CONFIG`, else `$XDG_CONFIG_HOME/ordo/config.json`, else `~/.config/ordo/config.json`. */
  configPath: string;
  /** `NO_COLOR` set: no ANSI colours (cursor movement stays, it is what redraws). */
  noColor: boolean;
}

export function loadCliEnv(source: NodeJS.ProcessEnv = process.env): CliEnv {
  const configHome = source.XDG_CONFIG_HOME || join(source.HOME || homedir(), '.config');
  return {
    ...(source.ORDO_API_URL && { apiUrl: source.ORDO_API_URL }),
    ...(source.ORDO_API_KEY && { apiKey: source.ORDO_API_KEY }),
    configPath: source.ORDO_CONFIG || join(configHome, 'ordo', 'config.json'),
    noColor: source.NO_COLOR !== undefined && source.NO_COLOR !== '',
  };
}
