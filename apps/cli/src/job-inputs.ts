import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { ok, type OrdoClient, type Schema } from '@ordo/client';
import { UsageError } from './cli-error';

/** `k=v` split at the first `=`. */
export function splitAssignment(flag: string, text: string): [string, string] {
  const at = text.indexOf('=');
  if (at <= 0) throw new UsageError(`${flag} takes NAME=VALUE, not '${text}'`);
  return [text.slice(0, at), text.slice(at + 1)];
}

type InputVariable = Schema<'Workflow'>['input_variables'][number];

/**
 * An `--input` value: kept as text for an input whose schema takes a string (or an unknown
 * input: the API names it), else read as JSON (`3`, `true`, `["a"]`), else text.
 */
export function inputValue(raw: string, variable: InputVariable | undefined): unknown {
  const type = (variable?.schema as { type?: unknown } | undefined)?.type;
  const takesString = type === 'string' || (Array.isArray(type) && type.includes('string'));
  if (variable === undefined || takesString) return raw;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/**
 * The input values of `--input k=v` and `--input-file k=@path` (each file uploaded, its value
 * the `{ file_id, name }` a file input takes).
 */
export async function collectInputs(
  client: OrdoClient,
  variables: readonly InputVariable[],
  inputs: readonly string[],
  inputFiles: readonly string[],
): Promise<Record<string, unknown>> {
  const values: Record<string, unknown> = {};
  for (const text of inputs) {
    const [name, raw] = splitAssignment('--input', text);
    values[name] = inputValue(
      raw,
      variables.find((v) => v.variable_id === name),
    );
  }
  for (const text of inputFiles) {
    const [name, raw] = splitAssignment('--input-file', text);
    const file = await uploadFile(client, raw.replace(/^@/, ''));
    values[name] = { file_id: file.file_id, name: file.name };
  }
  return values;
}

/** Uploads a local file (`POST /v1/files`, multipart). */
export async function uploadFile(client: OrdoClient, path: string): Promise<Schema<'UploadedFile'>> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new UsageError(`cannot read ${path}: ${(err as Error).message}`);
  }
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)]), basename(path));
  return ok(
    client.POST('/v1/files', {
      body: { file: new Blob([new Uint8Array(bytes)]) },
      bodySerializer: () => form,
    }),
  );
}
