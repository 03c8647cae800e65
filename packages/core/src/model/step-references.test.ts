import { describe, expect, it } from 'vitest';
import type { StepDefinition } from '../schemas/step-definition';
import { referencedStepIds } from './step-references';

const tool = (step_id: string, value: unknown): StepDefinition =>
  ({
    type: 'tool',
    step_id,
    tool: { tool_id: 'noop', name: 'noop' },
    parameter_mappings: { value },
    output_mappings: {},
  }) as StepDefinition;

describe('referencedStepIds', () => {
  const steps = [
    tool('extract', 'a'),
    tool('verify', 'b'),
    tool('unrelated', 'c'),
    tool('report', { expr: '__steps__.verify.outputData.value & __steps__.extract.status' }),
    { ...tool('publish', 'd'), activation_policy: { when: '__steps__.report.status = "Completed"' } } as StepDefinition,
  ];

  it('names the earlier steps the remaining steps read through __steps__', () => {
    expect([...referencedStepIds(steps, 3)].sort()).toEqual(['extract', 'verify']);
    expect([...referencedStepIds(steps, 4)]).toEqual(['report']);
  });

  it('names none when no remaining step mentions __steps__, or none is left', () => {
    expect(referencedStepIds([tool('a', 'x'), tool('b', { expr: 'a' })], 1).size).toBe(0);
    expect(referencedStepIds(steps, 5).size).toBe(0);
  });
});
