import type { StepDefinition } from '../schemas/step-definition';
import type { StepType } from './step-type';
import { humanConfirmStep } from './human-confirm-step';
import { subWorkflowStep } from './sub-workflow-step';
import { toolStep } from './tool-step';
import { waitStep } from './wait-step';

/** The step DSL as a type: the union of `schemas/step-definition.ts`, one member per step type. */
export type { StepDefinition };
export type StepKind = StepDefinition['type'];

/**
 * Every step type by its `type`. The mapped type makes the map exhaustive: adding a member
 * to the union without its module here is a compile error, and the interpreter dispatches
 * through this map alone.
 */
export const STEP_TYPES: { [K in StepKind]: StepType<Extract<StepDefinition, { type: K }>> } = {
  tool: toolStep,
  'sys.human_confirm': humanConfirmStep,
  'sys.wait': waitStep,
  'sys.sub_workflow': subWorkflowStep,
};

/** The module of a step's type, typed for that step. */
export function stepTypeOf<S extends StepDefinition>(step: S): StepType<S> {
  return STEP_TYPES[step.type] as unknown as StepType<S>;
}
