import type { OrdoClient } from '@ordo/client';

/** What every command gets: the client (made on first use) and how to print. */
export interface CommandContext {
  client: () => OrdoClient;
  /** `--json`: print the API's answer as JSON, for scripts. */
  json: boolean;
  /** Prints `value` as JSON with `--json`, else what `human` makes of it. */
  print<T>(value: T, human: (value: T) => string | string[]): void;
}

/** A context printing to stdout. */
export function commandContext(client: () => OrdoClient, json: boolean): CommandContext {
  return {
    client,
    json,
    print(value, human) {
      const text = json ? JSON.stringify(value, null, 2) : ([] as string[]).concat(human(value)).join('\n');
      if (text !== '') process.stdout.write(`${text}\n`);
    },
  };
}
