import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJob, json, problem, startApiStack, toolStepDefinition, type ApiStack } from './harness';

/**
 * Finding 6 of the hardening issue: a workflow could declare `"pattern": "^(a+)+$"`, and
 * `PUT …/inputs/p` with 32 `a` and a `!` took 106 s of backtracking, during which the API
 * answered nothing, `/health` included. Patterns run in RE2 now (linear time), and one
 * RE2 cannot run is refused when the workflow is saved.
 */
describe('input patterns and regexes run in linear time', () => {
  let stack: ApiStack;
  beforeAll(async () => {
    stack = await startApiStack('input-patterns', { worker: false });
  });
  afterAll(async () => {
    await stack.stop();
  });

  it('answers a catastrophic pattern at once, and /health meanwhile', async () => {
    const job = await createJob(stack, {
      input_variables: [
        { name: 'p', variable_id: 'p', required: true, schema: { type: 'string', pattern: '^(a+)+$' } },
      ],
      steps: [toolStepDefinition('s0', 'noop', { value: 'p' }, { value: 'out' })],
    });
    const put = stack.request(`/v1/jobs/${job.job_id}/inputs/p`, json('PUT', { value: `${'a'.repeat(32)}!` }));
    const health = stack.request('/health');
    const refused = await problem(await put, 422);
    expect(refused.errors).toEqual([
      expect.objectContaining({ field: 'value', message: 'p must match the pattern ^(a+)+$' }),
    ]);
    expect((await health).status).toBe(200);
    const accepted = await stack.request(`/v1/jobs/${job.job_id}/inputs/p`, json('PUT', { value: 'a'.repeat(32) }));
    expect(accepted.status).toBe(200);
  });

  it('refuses at save a pattern RE2 cannot run, naming the field and the rule', async () => {
    const res = await stack.request(
      '/v1/workflows',
      json('POST', {
        workflow_id: 'wf_backref',
        name: 'backref',
        status: 'DRAFT',
        input_variables: [{ name: 'p', variable_id: 'p', schema: { type: 'string', pattern: '^(a)\\1$' } }],
        steps: [toolStepDefinition('s0', 'noop', { value: 'p' }, { value: 'out' })],
      }),
    );
    const body = await problem(res, 422);
    expect(body.errors).toContainEqual(
      expect.objectContaining({
        field: expect.stringMatching(/^input_variables\.0\.schema/),
        message: expect.stringContaining('RE2'),
      }),
    );
  });

  it('refuses at save a JSONata regex RE2 cannot run, with rule expressions_parse, the step and the position', async () => {
    const res = await stack.request(
      '/v1/workflows',
      json('POST', {
        workflow_id: 'wf_lookahead',
        name: 'lookahead',
        status: 'DRAFT',
        input_variables: [{ name: 't', variable_id: 't', schema: { type: 'string' } }],
        steps: [toolStepDefinition('s0', 'noop', { value: { expr: '$contains(t, /a(?=b)/)' } }, { value: 'out' })],
      }),
    );
    const body = await problem(res, 422);
    expect(body.errors).toContainEqual(
      expect.objectContaining({
        field: 'steps.0.parameter_mappings.value',
        rule: 'expressions_parse',
        message: expect.stringMatching(/step 's0'.*position \d+.*RE2/),
      }),
    );
  });
});
