import { cpus } from 'node:os';

/** What a run's record names of the machine it ran on: its cores, CPU model and Node version. */
export interface MachineInfo {
  cores: number;
  cpu: string;
  node: string;
}

/** This machine, for a run's record (the caller adds the load it measured before and after). */
export function machineInfo(): MachineInfo {
  return { cores: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', node: process.version };
}
