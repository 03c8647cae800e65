import { condition } from '@temporalio/workflow';
import type { DefinitionIssue } from '../model/definition-issue';
import { durationMs } from '../model/duration';
import { checkInputValue } from '../model/input-validation';
import { loadRegexEngine } from '../model/linear-regex';
import type { SchemaValue, Variables } from '../schemas/schema-value';
import { variableJsonSchema } from '../model/schema-compatibility';
import type { JsonSchemaDocument } from '../schemas/tool-descriptor';
import type { HumanConfirmStep } from '../schemas/step-definition';
import { defineStepType, stepBeganAt } from './step-type';

/** Why a confirmation payload is refused, or undefined when it is accepted. */
export function confirmationRefusal(step: HumanConfirmStep, payload: SchemaValue | undefined): string | undefined {
  if (payload !== undefined && (payload === null || typeof payload !== 'object' || Array.isArray(payload)))
    return 'payload must be a JSON object';
  const schema = step.confirm.schema;
  if (schema === undefined) return undefined;
  const check = checkInputValue(schema, payload ?? {}, 'payload');
  return check.ok ? undefined : check.message;
}

/** Payload fields mapped to job variables; a field the payload lacks writes nothing. */
function writtenFrom(step: HumanConfirmStep, outputs: Variables): Variables {
  const written: Variables = {};
  for (const [field, variable] of Object.entries(step.output_mappings)) {
    const value = outputs[field];
    if (value !== undefined) written[variable] = value;
  }
  return written;
}

/** The human confirmation step type. */
export const humanConfirmStep = defineStepType<HumanConfirmStep>({
  type: 'sys.human_confirm',
  runsActivity: false,
  recordsRun: () => false,
  label: (step) =>
    `Confirmation: ${step.confirm.prompt.length > 60 ? `${step.confirm.prompt.slice(0, 60)}…` : step.confirm.prompt}`,
  sources: () => [],
  reads: () => [],
  writes: (step) =>
    Object.entries(step.output_mappings).map(([field, variable]) => ({ variable, path: ['output_mappings', field] })),
  variablesFrom: writtenFrom,
  writtenSchemas(step) {
    // A mapped payload field has the type its property declares in the confirmation schema.
    const schema = step.confirm.schema;
    const schemas: Record<string, JsonSchemaDocument> = {};
    if (schema?.type !== 'object') return schemas;
    for (const [field, variable] of Object.entries(step.output_mappings)) {
      const property = schema.properties?.[field];
      if (property !== undefined) schemas[variable] = variableJsonSchema(property);
    }
    return schemas;
  },
  check(step, ctx) {
    const issues: DefinitionIssue[] = [];
    const schema = step.confirm.schema;
    if (schema !== undefined && schema.type !== 'object') {
      issues.push({
        rule: 'confirm_schema_is_object',
        path: [...ctx.path, 'confirm', 'schema', 'type'],
        message: `the payload of a confirmation is an object; schema.type must be 'object', not '${schema.type}'`,
      });
    }
    if (schema?.type === 'object' && schema.properties !== undefined) {
      for (const field of Object.keys(step.output_mappings)) {
        if (!(field in schema.properties)) {
          issues.push({
            rule: 'known_outputs',
            path: [...ctx.path, 'output_mappings', field],
            message: `the confirmation schema has no field '${field}'; it has: ${Object.keys(schema.properties).join(', ')}`,
          });
        }
      }
    }
    return issues;
  },
  async execute(step, ctx) {
    const dueMs = step.confirm.due_in !== undefined ? durationMs(step.confirm.due_in) : undefined;
    const due = dueMs !== undefined ? stepBeganAt(ctx) + dueMs : undefined;
    const dueAt = due !== undefined ? new Date(due).toISOString() : undefined;
    ctx.update({
      progress: `waiting for confirmation: ${step.confirm.prompt}`,
      ...(dueAt !== undefined && { due_at: dueAt }),
    });
    // The update's validator checks payloads synchronously: a schema with a pattern needs RE2 loaded first.
    if (step.confirm.schema !== undefined && JSON.stringify(step.confirm.schema).includes('"pattern"'))
      await loadRegexEngine();
    ctx.inbox.expect(step.step_id, (payload) => confirmationRefusal(step, payload));
    try {
      const received = (): boolean => ctx.inbox.received(step.step_id) !== undefined;
      if (dueMs === undefined) await condition(received);
      else
        await condition(received, Math.max(1, (due ?? 0) - Date.now()), {
          summary: `${step.step_id}: confirmation due`,
        });
      const message = ctx.inbox.received(step.step_id);
      if (message === undefined) {
        if (step.confirm.on_timeout === 'continue')
          return { status: 'Completed', outputs: {}, written: {}, attempt: 1 };
        return {
          status: 'Failed',
          error: {
            code: 'CONFIRMATION_TIMED_OUT',
            message: `No confirmation for step '${step.step_id}' by ${dueAt ?? 'its due time'}`,
          },
          attempt: 1,
        };
      }
      const outputs = (message.payload ?? {}) as Variables;
      return { status: 'Completed', outputs, written: writtenFrom(step, outputs), attempt: 1 };
    } finally {
      ctx.inbox.close(step.step_id);
    }
  },
});
