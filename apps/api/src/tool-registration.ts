import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { valid as validSemver } from 'semver';
import { z } from 'zod';
import { Identifier, JsonSchemaDocument, ToolRunDefaults, type ToolContract } from '@ordo/core';
import { validationProblem, type FieldError } from './problem';

/** The longest task queue name a registration may give (Temporal allows longer; no real one is). */
export const MAX_TASK_QUEUE_LENGTH = 200;

/**
 * A tool ID a registration may take: an identifier (what a step's `tool.tool_id` takes) that
 * does not begin with `sys`, the prefix of the system step types (`sys.wait`, ...).
 */
export const RegistrableToolId = z
  .string()
  .refine((id) => !/^sys(?:[._]|$)/i.test(id), {
    message: 'must not begin with `sys`: it is reserved for system step types (`sys.wait`, `sys.human_confirm`, ...)',
    abort: true,
  })
  .pipe(Identifier);

/** A semantic version (semver 2.0.0), written exactly: `1.2.0`, `2.0.0-beta.1`; not `v1.2` nor `1.2`. */
export const ToolVersion = z
  .string()
  .max(64)
  .refine((v) => validSemver(v) === v, 'must be a semantic version (semver 2.0.0), such as 1.2.0');

/** The body of `PUT /v1/tools/{tool_id}`: one version's contract. */
export const ToolRegistration = z.strictObject({
  version: ToolVersion,
  name: z.string().min(1).max(200),
  description: z.string().max(4_000),
  parameters: JsonSchemaDocument.describe('JSON Schema 2020-12 of the parameters object (`type: object`)'),
  outputs: JsonSchemaDocument.describe('JSON Schema 2020-12 of the outputs object (`type: object`)'),
  task_queue: z
    .string()
    .min(1, 'must not be empty')
    .max(MAX_TASK_QUEUE_LENGTH, `must be at most ${MAX_TASK_QUEUE_LENGTH} characters`)
    .describe('The Temporal task queue whose workers serve the tool'),
  activity_type: z
    .string()
    .min(1)
    .max(MAX_TASK_QUEUE_LENGTH)
    .optional()
    .describe('The activity type its steps schedule; the tool_id when absent'),
  defaults: ToolRunDefaults.optional().describe('How its steps run unless a step says otherwise'),
});
export type ToolRegistration = z.infer<typeof ToolRegistration>;

/**
 * What is wrong with a registered schema (`field`: `parameters` or `outputs`), if anything.
 * A validator of its own per check: Ajv keeps every schema it compiled (and refuses a second
 * one with the same `$id`), and registrations are rare enough to pay for a fresh one.
 */
function schemaErrors(field: 'parameters' | 'outputs', schema: JsonSchemaDocument): FieldError[] {
  const ajv = new Ajv2020({ strict: false, allowUnionTypes: true });
  addFormats(ajv);
  if (!ajv.validateSchema(schema)) {
    const first = ajv.errors?.[0];
    const where = first?.instancePath ? ` at ${first.instancePath}` : '';
    return [{ field, message: `must be a valid JSON Schema 2020-12: ${first?.message ?? 'invalid'}${where}` }];
  }
  try {
    // The meta-schema passes a `$ref` to nowhere; compiling finds it.
    ajv.compile(schema);
  } catch (err) {
    return [{ field, message: `must be a valid JSON Schema 2020-12: ${(err as Error).message}` }];
  }
  if (schema.type !== 'object')
    return [{ field, message: 'must describe an object: `type: "object"` at the top of the schema' }];
  return [];
}

/**
 * The contract a registration states for `toolId`, or a 422 naming each field and rule
 * (the body's own schema has passed by then: these are the rules across it).
 */
export function toolContractOf(toolId: string, body: ToolRegistration): ToolContract {
  const errors = [...schemaErrors('parameters', body.parameters), ...schemaErrors('outputs', body.outputs)];
  if (errors.length > 0) throw validationProblem(errors);
  return {
    tool_id: toolId,
    version: body.version,
    name: body.name,
    description: body.description,
    parameters: body.parameters,
    outputs: body.outputs,
    task_queue: body.task_queue,
    activity_type: body.activity_type ?? toolId,
    defaults: body.defaults ?? {},
    builtin: false,
  };
}
