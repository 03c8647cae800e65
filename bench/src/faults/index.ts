/**
 * The fault suite's parts, for `pnpm bench:faults` (main.ts) and for the tests that run its
 * scenarios in a short form (bench/test/).
 */
export { OrdoHttp } from './http';
export type { ApiAnswer, ApiRequest } from './http';
export { measureScenario } from './scenario-measures';
export type { FaultWindow } from './fault-window';
export type { MeasureInput, ScenarioMeasures } from './scenario-measures';
export { metTargets } from './report';
export { runScenario, SCENARIO_NAMES } from './scenarios';
export type { ScenarioName, ScenarioOptions, ScenarioResult } from './scenarios';
export { FaultStack, ScenarioStack, TemporalServer } from './stack';
export type { ApiProcess, FaultStackOptions } from './stack';
export { launchAll, launchJob, newLaunch, publishSeedWorkflow, publishStepsWorkflow } from './workload';
export type { JobKind, Launch, LaunchMode } from './workload';
