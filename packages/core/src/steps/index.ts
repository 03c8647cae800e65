import type { StepType } from './step-type';
import { humanConfirmStep, type HumanConfirmStep } from './human-confirm-step';
import { subWorkflowStep, type SubWorkflowStep } from './sub-workflow-step';
import { toolStep, type ToolStep } from './tool-step';
import { waitStep, type WaitStep } from './wait-step';

/**
 * The step DSL as a type: one member per step type module. Its zod schema is built from
 * the same modules in `model/step-definition.ts`, which checks that the two agree.
 */
export type StepDefinition = ToolStep | HumanConfirmStep | WaitStep | SubWorkflowStep;
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
