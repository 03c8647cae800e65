/** The example's settings, from the environment (the only module that reads it). */
export interface ExampleEnv {
  temporalAddress: string;
  temporalNamespace: string;
  taskQueue: string;
  ordoUrl: string;
  /** An admin-scoped Ordo key; registering needs one. */
  ordoAdminKey: string | undefined;
}

export function readEnv(env: NodeJS.ProcessEnv = process.env): ExampleEnv {
  return {
    temporalAddress: env.TEMPORAL_ADDRESS || '127.0.0.1:7233',
    temporalNamespace: env.TEMPORAL_NAMESPACE || 'default',
    taskQueue: env.FILE_CHECKSUM_TASK_QUEUE || 'file-checksum',
    ordoUrl: env.ORDO_API_URL || 'http://127.0.0.1:3000',
    ordoAdminKey: env.ORDO_ADMIN_KEY || undefined,
  };
}
