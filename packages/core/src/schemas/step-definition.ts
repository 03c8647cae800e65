import { z } from 'zod';
import type { StepDefinition as StepDefinitionType } from '../steps';
import type { SchemaKit } from '../steps/step-type';
import { humanConfirmStepSchema } from '../steps/human-confirm-step';
import { subWorkflowStepSchema } from '../steps/sub-workflow-step';
import { toolStepSchema } from '../steps/tool-step';
import { waitStepSchema } from '../steps/wait-step';
import { SchemaValue } from './schema-value';
import { Duration, StepBase, StepRunSettings } from './step';
import { Identifier, VariableSchema } from './variable-schema';

/** The shared schema pieces step types build their schemas from. */
const kit: SchemaKit = { z, Identifier, SchemaValue, StepBase, StepRunSettings, VariableSchema, Duration };

/** A step that runs a tool (see `steps/tool-step.ts`). */
export const ToolStep = toolStepSchema(kit);
export type ToolStep = z.infer<typeof ToolStep>;

export const ToolRef = ToolStep.shape.tool;
export type ToolRef = z.infer<typeof ToolRef>;

/** A step that waits for a person's confirmation (see `steps/human-confirm-step.ts`). */
export const HumanConfirmStep = humanConfirmStepSchema(kit);
export type HumanConfirmStep = z.infer<typeof HumanConfirmStep>;

/** A durable timer step (see `steps/wait-step.ts`). */
export const WaitStep = waitStepSchema(kit);
export type WaitStep = z.infer<typeof WaitStep>;

/** A step that runs other published workflows as child jobs (see `steps/sub-workflow-step.ts`). */
export const SubWorkflowStep = subWorkflowStepSchema(kit);
export type SubWorkflowStep = z.infer<typeof SubWorkflowStep>;

/** The step DSL as stored and returned: a discriminated union on `type`, one member per step type module. */
export const StepDefinitionSchema = z.discriminatedUnion('type', [
  ToolStep,
  HumanConfirmStep,
  WaitStep,
  SubWorkflowStep,
]);

/** Seed 002 writes tool steps without a `type`; such a step is a tool step. */
function defaultStepType(raw: unknown): unknown {
  if (raw !== null && typeof raw === 'object' && !Array.isArray(raw) && !('type' in raw) && 'tool' in raw) {
    return { ...raw, type: 'tool' };
  }
  return raw;
}

/** The step DSL as accepted: `StepDefinitionSchema`, where a step without `type` is a tool step (seed 002). */
export const StepDefinition = z.preprocess(defaultStepType, StepDefinitionSchema);
export type StepDefinition = z.infer<typeof StepDefinitionSchema>;

// The workflow's step union and this schema's must be the same: a step type added to one
// and not to the other fails to compile here.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const schemaMatchesWorkflowUnion: Same<StepDefinition, StepDefinitionType> = true;
void schemaMatchesWorkflowUnion;
