import {
  ActivityFailure,
  ApplicationFailure,
  isCancellation,
  proxyActivities,
  TimeoutFailure,
} from '@temporalio/workflow';
import { TimeoutType } from '@temporalio/common';
import type { RunRecording, ToolActivityResult, ToolActivities } from '../schemas/activity-contract';
import type { DefinitionIssue } from '../model/definition-issue';
import {
  applyOutputMappings,
  literalValueOf,
  providerOf,
  resolveMappings,
  type ResolvedMappings,
} from '../model/mappings';
import type { JsonSchemaDocument } from '../schemas/tool-descriptor';
import { runExternalTool } from './external-tool-run';
import { toolActivityOptions, toolRunOptions, type ToolRunOptions } from './tool-run-options';
import { schemaMismatch } from '../model/schema-compatibility';
import { toolKey } from '../model/tool-lookup';
import {
  isOrdoFilledParameter,
  requiredToolParameters,
  toolOutputNames,
  toolOutputSchema,
  toolParameterNames,
  toolParameterSchema,
} from '../model/tool-json-schema';
import { mappingReads } from './mapping-rules';
import type { ToolStep } from '../schemas/step-definition';
import { defineStepType, type StepExecution, type StepOutcome } from './step-type';

/** The tool step type: a tool run as an activity with retries, heartbeats and cancellation. */
export const toolStep = defineStepType<ToolStep>({
  type: 'tool',
  runsActivity: true,
  // Ordo's own worker records the run in the tool's activity; an external tool knows nothing of it.
  recordsRun: (step, tools) => tools[toolKey(step.tool)]?.dispatch === undefined,
  label: (step) => step.tool.name,
  sources: (step) =>
    Object.entries(step.parameter_mappings).map(([name, source]) => ({ source, path: ['parameter_mappings', name] })),
  reads: (step, declared) => mappingReads(step.parameter_mappings, declared, 'parameter_mappings'),
  writes: (step) =>
    Object.entries(step.output_mappings).map(([output, variable]) => ({ variable, path: ['output_mappings', output] })),
  variablesFrom: (step, outputs) => {
    const mapped = applyOutputMappings(step.output_mappings, outputs);
    return mapped.ok ? mapped.written : {};
  },
  writtenSchemas(step, tools) {
    const resolved = tools.resolve(step.tool);
    const schemas: Record<string, JsonSchemaDocument> = {};
    if (!resolved.ok) return schemas;
    const tool = resolved.tool;
    for (const [output, variable] of Object.entries(step.output_mappings)) {
      const schema = toolOutputSchema(tool, output);
      if (schema !== undefined) schemas[variable] = schema;
    }
    return schemas;
  },
  check(step, ctx) {
    const issues: DefinitionIssue[] = [];
    const resolved = ctx.tools.resolve(step.tool);
    if (!resolved.ok) {
      issues.push({ rule: resolved.rule, path: [...ctx.path, 'tool', resolved.field], message: resolved.message });
      return issues;
    }
    const tool = resolved.tool;
    for (const name of requiredToolParameters(tool)) {
      if (!(name in step.parameter_mappings)) {
        issues.push({
          rule: 'required_parameters_mapped',
          path: [...ctx.path, 'parameter_mappings', name],
          message: `required parameter '${name}' of tool '${tool.tool_id}' is not mapped`,
        });
      }
    }
    const params = new Set(toolParameterNames(tool));
    for (const [name, source] of Object.entries(step.parameter_mappings)) {
      if (!params.has(name)) {
        issues.push({
          rule: 'known_parameters',
          path: [...ctx.path, 'parameter_mappings', name],
          message: `tool '${tool.tool_id}' has no parameter '${name}'`,
        });
        continue;
      }
      // A literal (anything but the name of a declared variable) must be a value the tool
      // accepts, or every job of the workflow would fail at this step.
      const schema = toolParameterSchema(tool, name);
      if (schema === undefined) continue;
      if (isOrdoFilledParameter(schema)) {
        issues.push({
          rule: 'ordo_filled_parameter',
          path: [...ctx.path, 'parameter_mappings', name],
          message: `parameter '${name}' of tool '${tool.tool_id}' is filled by Ordo (an upload URL for the job, "x-ordo-upload-url"): do not map it`,
        });
        continue;
      }
      const provider = providerOf(source);
      const variableName =
        provider?.kind === 'var'
          ? provider.name
          : typeof source === 'string' && ctx.declared.has(source)
            ? source
            : undefined;
      if (variableName !== undefined) {
        // A variable: every value it may hold must be one the parameter accepts, where both types are known.
        const variable = ctx.variables.get(variableName);
        const mismatch = variable === undefined ? undefined : schemaMismatch(variable, schema);
        if (mismatch !== undefined) {
          issues.push({
            rule: 'parameter_types_compatible',
            path: [...ctx.path, 'parameter_mappings', name],
            message: `variable '${variableName}' cannot be passed to parameter '${name}' of tool '${tool.tool_id}': it ${mismatch}`,
          });
        }
        continue;
      }
      // Expressions are checked when they run; a literal (or {const}) is checked now.
      const literal = literalValueOf(source, ctx.declared);
      const problem = literal !== undefined ? ctx.checkLiteral?.(schema, literal.value) : undefined;
      if (problem !== undefined) {
        issues.push({
          rule: 'literal_parameters_match_schema',
          path: [...ctx.path, 'parameter_mappings', name],
          message: `the literal value of '${name}' ${problem}`,
        });
      }
    }
    const outputs = toolOutputNames(tool);
    for (const output of Object.keys(step.output_mappings)) {
      if (!outputs.includes(output)) {
        issues.push({
          rule: 'known_outputs',
          path: [...ctx.path, 'output_mappings', output],
          message: `tool '${tool.tool_id}' has no output '${output}'; it produces: ${outputs.join(', ')}`,
        });
      }
    }
    return issues;
  },
  // Not an async function: the run's promises are tracked one by one by the SDK (a stack
  // trace each), so the step costs the activity's promise and one more, not three.
  execute(step, ctx) {
    // Keyed as the run's start keyed them: a step of a job created before pinning names no version.
    const toolDefaults = ctx.tools[toolKey(step.tool)];
    if (toolDefaults === undefined) {
      // Refused at once: no worker offers this tool, so retrying the activity cannot help.
      return Promise.resolve({
        status: 'Failed',
        error: { code: 'UNKNOWN_TOOL', message: `Unknown tool '${step.tool.tool_id}': no worker offers it` },
        attempt: 0,
      });
    }
    const options = toolRunOptions(step, toolDefaults);
    ctx.update({ attempt: 1, max_attempts: options.retry.maximum_attempts });
    const dispatch = toolDefaults.dispatch;
    if (dispatch !== undefined) {
      // A tool another worker serves: one argument, the parameters object; the workflow records the step.
      const hooks = {
        outcome: (outputs: ToolActivityResult['outputs'], attempt: number | undefined) =>
          outcomeOf(step, { outputs, attempt: attempt ?? 1 }),
        failure: toolFailure,
      };
      const resolved = resolveMappings(step.parameter_mappings, ctx.scope);
      const run = (r: ResolvedMappings): Promise<StepOutcome> =>
        r.ok ? runExternalTool(step, ctx, dispatch, options, r.values, hooks) : Promise.resolve(expressionFailed(r));
      return resolved instanceof Promise ? resolved.then(run) : run(resolved);
    }
    const activities = proxyActivities<ToolActivities>({
      ...toolActivityOptions(options),
      summary: `${step.step_id}: ${step.name ?? step.tool.name}`,
    });
    const activity = activities[step.tool.tool_id];
    if (activity === undefined) throw new Error(`no activity proxy for '${step.tool.tool_id}'`);
    const resolved = resolveMappings(step.parameter_mappings, ctx.scope);
    return resolved instanceof Promise
      ? resolved.then((r) => runTool(step, ctx, activity, options, r))
      : runTool(step, ctx, activity, options, resolved);
  },
});

/** A parameter expression that failed: the step fails without running its tool. */
function expressionFailed(resolved: Extract<ResolvedMappings, { ok: false }>): StepOutcome {
  return {
    status: 'Failed',
    error: {
      code: 'EXPRESSION_FAILED',
      message: `The expression of parameter '${resolved.path.join('.')}' (${resolved.expression}) failed: ${resolved.message}`,
    },
    attempt: 0,
  };
}

/** A tool activity's result as the step's outcome: its outputs mapped into job variables. */
function outcomeOf(step: ToolStep, result: ToolActivityResult): StepOutcome {
  const mapped = applyOutputMappings(step.output_mappings, result.outputs);
  if (!mapped.ok) {
    return {
      status: 'Failed',
      error: {
        code: 'MAPPING_FAILED',
        message: `Tool '${step.tool.tool_id}' returned no output named ${mapped.missing.map((m) => `'${m}'`).join(', ')}`,
      },
      attempt: result.attempt,
    };
  }
  return {
    status: 'Completed',
    outputs: result.outputs,
    written: mapped.written,
    attempt: result.attempt,
    ...(result.ended_at !== undefined && { ended_at: result.ended_at }),
    ...(result.recorded !== undefined && { recorded: result.recorded }),
  };
}

/** Runs the step's tool with its resolved parameters, the run's recording attached for a prepared start. */
function runTool(
  step: ToolStep,
  ctx: StepExecution,
  activity: ToolActivities[string],
  options: ToolRunOptions,
  resolved: ResolvedMappings,
): Promise<StepOutcome> {
  if (!resolved.ok) return Promise.resolve(expressionFailed(resolved));
  const params = resolved.values;
  const run: RunRecording | undefined =
    ctx.recording === undefined
      ? undefined
      : {
          step_started_at: ctx.run.steps[ctx.index]?.started_at ?? '',
          max_attempts: options.retry.maximum_attempts,
          ...(ctx.recording.claim !== undefined && { claim: ctx.recording.claim }),
          ...(ctx.recording.finish !== undefined && {
            finish: { ...ctx.recording.finish, output_mappings: step.output_mappings },
          }),
        };
  return activity(run === undefined ? { step: ctx.address, params } : { step: ctx.address, params, run }).then(
    (result) => outcomeOf(step, result),
    (err: unknown) => {
      if (isCancellation(err)) throw err;
      return { status: 'Failed', ...toolFailure(err) };
    },
  );
}

/** The tool's own code and message, not Temporal's wrapper around them, and the attempt that failed last. */
function toolFailure(err: unknown): { error: { code: string; message: string }; attempt?: number } {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure) {
    const details: unknown = cause.details?.[0];
    const attempt =
      typeof details === 'object' && details !== null && 'attempt' in details && typeof details.attempt === 'number'
        ? details.attempt
        : undefined;
    return {
      error: { code: cause.type ?? 'TOOL_FAILED', message: cause.message },
      ...(attempt !== undefined && { attempt }),
    };
  }
  if (cause instanceof TimeoutFailure && cause.timeoutType === TimeoutType.SCHEDULE_TO_START)
    return { error: { code: 'NO_WORKER', message: cause.message } };
  if (cause instanceof Error)
    return { error: { code: cause.name === 'TimeoutFailure' ? 'TIMEOUT' : 'TOOL_FAILED', message: cause.message } };
  return { error: { code: 'TOOL_FAILED', message: String(cause) } };
}
