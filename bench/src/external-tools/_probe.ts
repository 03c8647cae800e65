import { treeCpuMs } from '../cpu';
import { startStack } from '../stack';
import { createNoopWorkflow, runOrdoJob } from '../ordo-jobs';
const stack = await startStack({ fileDb: false, baseline: false, externalToolWorker: true }, console.error);
try {
  for (const tool of ['noop', 'noop_external']) {
    const wf = await createNoopWorkflow(stack.api, 4, tool);
    await runOrdoJob(stack.api, stack.client, wf, 'one-request');
    const t = await runOrdoJob(stack.api, stack.client, wf, 'one-request');
    const h = await stack.client.workflow.getHandle(t.job_id).fetchHistory();
    let t0 = 0;
    console.log(`--- ${tool}`);
    for (const e of h.events ?? []) {
      const at = Number(e.eventTime!.seconds) * 1000 + (e.eventTime!.nanos ?? 0) / 1e6;
      if (!t0) t0 = at;
      const key = Object.keys(e).find((k) => k.endsWith('EventAttributes') && (e as any)[k] != null)!;
      const a = (e as any)[key];
      let extra = '';
      if (key.startsWith('markerRecorded')) {
        const d = a.details?.data?.payloads?.[0]?.data;
        extra = d ? Buffer.from(d).toString().slice(0, 120) : '';
      }
      if (key.startsWith('activityTaskScheduled')) extra = a.activityType?.name + ' ' + a.taskQueue?.name;
      console.log((at - t0).toFixed(1).padStart(8), key.replace('EventAttributes', ''), extra);
    }
  }
  void treeCpuMs;
} finally {
  await stack.stop();
}
