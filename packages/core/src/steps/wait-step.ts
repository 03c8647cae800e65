import { sleep } from '@temporalio/workflow';
import type { DefinitionIssue } from '../model/definition-issue';
import { durationMs, MAX_DURATION_MS } from '../model/duration';
import { literalValueOf, resolveValue } from '../model/mappings';
import { sourceReads } from './mapping-rules';
import type { WaitStep } from '../schemas/step-definition';
import { defineStepType, stepBeganAt } from './step-type';

/** The wait step type. */
export const waitStep = defineStepType<WaitStep>({
  type: 'sys.wait',
  runsActivity: false,
  recordsRun: () => false,
  label: (step) => (step.wait.duration !== undefined ? `Wait ${step.wait.duration}` : 'Wait until a time'),
  sources: (step) => (step.wait.until !== undefined ? [{ source: step.wait.until, path: ['wait', 'until'] }] : []),
  reads: (step, declared) =>
    step.wait.until !== undefined ? sourceReads(step.wait.until, declared, ['wait', 'until']) : [],
  writes: () => [],
  variablesFrom: () => ({}),
  writtenSchemas: () => ({}),
  check(step, ctx) {
    if (step.wait.until === undefined) return [];
    const issues: DefinitionIssue[] = [];
    const literal = literalValueOf(step.wait.until, ctx.declared);
    if (literal !== undefined && (typeof literal.value !== 'string' || Number.isNaN(Date.parse(literal.value)))) {
      issues.push({
        rule: 'wait_until_is_time',
        path: [...ctx.path, 'wait', 'until'],
        message: 'wait.until must be an ISO 8601 date-time such as "2026-12-01T09:00:00Z"',
      });
    }
    return issues;
  },
  async execute(step, ctx) {
    let ms: number;
    if (step.wait.duration !== undefined) {
      ms = durationMs(step.wait.duration) ?? 0;
    } else {
      const until = await resolveValue(step.wait.until ?? null, ctx.scope, ['wait', 'until']);
      if (!until.ok)
        return {
          status: 'Failed',
          error: {
            code: 'EXPRESSION_FAILED',
            message: `The expression of wait.until (${until.expression}) failed: ${until.message}`,
          },
          attempt: 1,
        };
      const at = typeof until.value === 'string' ? Date.parse(until.value) : Number.NaN;
      if (Number.isNaN(at))
        return {
          status: 'Failed',
          error: {
            code: 'WAIT_INVALID',
            message: `wait.until gave ${JSON.stringify(until.value ?? null)}, not an ISO 8601 date-time`,
          },
          attempt: 1,
        };
      ms = Math.min(Math.max(0, at - Date.now()), MAX_DURATION_MS);
    }
    // Measured from the step's start, which the run may have spent recording itself.
    const due = stepBeganAt(ctx) + ms;
    const dueAt = new Date(due).toISOString();
    ctx.update({ due_at: dueAt, progress: `waiting until ${dueAt}` });
    const left = due - Date.now();
    if (left > 0) await sleep(left, { summary: `${step.step_id}: ${step.name ?? 'wait'}` });
    return { status: 'Completed', outputs: {}, written: {}, attempt: 1 };
  },
});
