import { z } from 'zod';

const Env = z.object({
  TEMPORAL_ADDRESS: z.string().min(1).default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  ORDO_TASK_QUEUE: z.string().min(1).default('ordo-jobs'),
  ORDO_DATA_DIR: z.string().min(1).default('.data'),
});
export type Env = z.infer<typeof Env>;

/** The worker's configuration; the only place the worker reads `process.env`. */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = Env.safeParse(source);
  if (!parsed.success) {
    throw new Error(`Invalid worker environment: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}
