/**
 * Reading the jobs as Ordo's API answers them: the measures judge jobs by what a client would
 * see, so they read the API, not the database.
 */
import type { OrdoHttp } from './http';

/** A job as the API answers it, the fields the measures read. */
export interface ApiJob {
  job_id: string;
  name: string;
  status: string;
  output_data: Record<string, unknown>;
  runs: { run_id: string; status: string }[];
  error_message?: string;
}

/** Every job the API lists, page by page. */
export async function listJobs(http: OrdoHttp): Promise<ApiJob[]> {
  const all: ApiJob[] = [];
  let cursor: string | undefined;
  do {
    const page = await http.get<{ items: ApiJob[]; next_cursor?: string | null }>(
      `/v1/jobs?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    all.push(...page.items);
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return all;
}
