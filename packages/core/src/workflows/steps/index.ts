import { z } from 'zod';
import type { StepType } from './step-type';
import { toolStep } from './tool-step';

/** Seed 002 writes tool steps without a `type`; such a step is a tool step. */
function defaultStepType(raw: unknown): unknown {
  if (raw !== null && typeof raw === 'object' && !Array.isArray(raw) && !('type' in raw) && 'tool' in raw) {
    return { ...raw, type: 'tool' };
  }
  return raw;
}

/** The step DSL as stored and returned: a discriminated union on `type`, one member per step type module. */
export const StepDefinitionSchema = z.discriminatedUnion('type', [toolStep.schema]);

/** The step DSL as accepted: `StepDefinitionSchema`, where a step without `type` is a tool step (seed 002). */
export const StepDefinition = z.preprocess(defaultStepType, StepDefinitionSchema);
export type StepDefinition = z.infer<typeof StepDefinition>;
export type StepKind = StepDefinition['type'];

/**
 * Every step type by its `type`. The mapped type makes the map exhaustive: adding a member
 * to the union without its module here is a compile error, and the interpreter dispatches
 * through this map alone.
 */
export const STEP_TYPES: { [K in StepKind]: StepType<Extract<StepDefinition, { type: K }>> } = {
  tool: toolStep,
};

/** The module of a step's type, typed for that step. */
export function stepTypeOf<S extends StepDefinition>(step: S): StepType<S> {
  return STEP_TYPES[step.type as StepKind] as unknown as StepType<S>;
}
