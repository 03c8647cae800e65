import { readdir } from 'node:fs/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { forEachDialect, ResponseChecker, TEST_API_KEY, type OpenApiDocument } from '@ordo/testing';
import { startApiServer, type ApiServer } from '../src/server';
import { json, startApiStack, toolStepDefinition, upload, type ApiStack } from './harness';
import { rawRequest, type RawRequest } from './raw-http';

/** What the rows refer to: made once per database before the table runs. */
interface Fixtures {
  port: number;
  jobId: string;
  fileId: string;
  /** `next_cursor` of each list, as the API made it. */
  jobsCursor: string;
  workflowsCursor: string;
  versionsCursor: string;
}

/** One hostile request and what it must get: a 4xx problem naming `fields`, and nothing written. */
interface Row {
  name: string;
  request: (f: Fixtures) => RawRequest;
  status: number;
  /** Each must be among the problem's `errors[].field`. */
  fields: string[];
  code?: string;
}

/** Sent as a well-behaved client would, but for what `options` changes; `null` leaves a header out. */
function send(
  method: string,
  path: string,
  body?: string | Uint8Array,
  options: {
    contentType?: string | null;
    host?: string | null;
    authorization?: string | null;
    headers?: [string, string][];
  } = {},
): (f: Fixtures) => RawRequest {
  return (f) => {
    const headers: [string, string][] = [];
    const host = options.host === undefined ? `127.0.0.1:${f.port}` : options.host;
    if (host !== null) headers.push(['Host', host]);
    const authorization = options.authorization === undefined ? `Bearer ${TEST_API_KEY}` : options.authorization;
    if (authorization !== null) headers.push(['Authorization', authorization]);
    const contentType =
      options.contentType === undefined ? (body === undefined ? null : 'application/json') : options.contentType;
    if (contentType !== null) headers.push(['Content-Type', contentType]);
    headers.push(...(options.headers ?? []));
    return { method, path, headers, ...(body !== undefined && { body }) };
  };
}

const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
const createJobBody = (extra: string) => `{"workflow_id":"wf_hostile","name":"x"${extra}}`;

/** A multipart upload with the file name's bytes exactly as given. */
function multipart(
  filename: string | Uint8Array,
  content = 'hello',
  field = 'file',
): { body: Buffer; contentType: string } {
  const boundary = 'ordo-boundary-7f3a';
  const body = bytes(
    `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="`,
    [...(typeof filename === 'string' ? Buffer.from(filename, 'utf8') : filename)],
    `"\r\nContent-Type: text/plain\r\n\r\n${content}\r\n--${boundary}--\r\n`,
  );
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}
function uploadRow(
  name: string,
  filename: string | Uint8Array,
  status: number,
  fields: string[],
  content?: string,
): Row {
  const { body, contentType } = multipart(filename, content);
  return { name, request: send('POST', '/v1/files', body, { contentType }), status, fields };
}

const DEEP = (n: number) => `{"workflow_id":"wf_hostile","name":"x","context":{"a":${'['.repeat(n)}${']'.repeat(n)}}}`;

const ROWS: Row[] = [
  // Bodies: framing and media type
  { name: 'a required body left out', request: send('POST', '/v1/workflows'), status: 422, fields: ['(body)'] },
  {
    name: 'a required body sent empty as JSON',
    request: send('POST', '/v1/workflows', ''),
    status: 422,
    fields: ['(body)'],
  },
  {
    name: 'a required body of whitespace only',
    request: send('POST', '/v1/jobs', ' \r\n\t '),
    status: 422,
    fields: ['(body)'],
  },
  {
    name: 'JSON sent as text/plain',
    request: send('POST', '/v1/jobs', createJobBody(''), { contentType: 'text/plain' }),
    status: 415,
    fields: ['content-type'],
  },
  {
    name: 'JSON without a Content-Type',
    request: send('POST', '/v1/jobs', createJobBody(''), { contentType: null }),
    status: 415,
    fields: ['content-type'],
  },
  {
    name: 'JSON in ISO-8859-1',
    request: send('POST', '/v1/jobs', createJobBody(''), { contentType: 'application/json; charset=iso-8859-1' }),
    status: 415,
    fields: ['content-type'],
  },
  {
    name: 'JSON in UTF-16',
    request: send('POST', '/v1/jobs', Buffer.from(createJobBody(''), 'utf16le'), {
      contentType: 'application/json; charset=utf-16',
    }),
    status: 415,
    fields: ['content-type'],
  },
  {
    name: 'a form-encoded body',
    request: send('POST', '/v1/jobs', 'workflow_id=wf_hostile&name=x', {
      contentType: 'application/x-www-form-urlencoded',
    }),
    status: 415,
    fields: ['content-type'],
  },
  {
    name: 'a multipart body where JSON is expected',
    request: send('POST', '/v1/jobs', multipart('a.txt').body, { contentType: multipart('a.txt').contentType }),
    status: 415,
    fields: ['content-type'],
  },
  {
    name: 'a media type that only starts like JSON',
    request: send('POST', '/v1/jobs', createJobBody(''), { contentType: 'application/jsonx' }),
    status: 415,
    fields: ['content-type'],
  },
  {
    name: 'a list of media types',
    request: send('POST', '/v1/jobs', createJobBody(''), { contentType: 'application/json, text/plain' }),
    status: 415,
    fields: ['content-type'],
  },
  // Sizes and depth
  {
    name: 'a declared length over 1 MiB',
    request: send('POST', '/v1/jobs', '{}', { headers: [['Content-Length', String(2 * 1024 * 1024)]] }),
    status: 413,
    fields: ['(body)'],
  },
  {
    name: 'a chunked body over 1 MiB',
    request: send(
      'POST',
      '/v1/jobs',
      bytes(`100000\r\n${'x'.repeat(0x100000)}\r\n100\r\n${'x'.repeat(0x100)}\r\n0\r\n\r\n`),
      { headers: [['Transfer-Encoding', 'chunked']] },
    ),
    status: 413,
    fields: ['(body)'],
  },
  {
    name: 'a body nested 65 levels deep',
    request: send('POST', '/v1/jobs', DEEP(63)),
    status: 422,
    fields: ['(body)'],
  },
  {
    name: 'a body nested 100,000 levels deep',
    request: send('POST', '/v1/jobs', DEEP(100_000)),
    status: 422,
    fields: ['(body)'],
  },
  // JSON syntax and encoding
  {
    name: 'truncated JSON',
    request: send('POST', '/v1/jobs', '{"workflow_id":"wf_hostile",'),
    status: 400,
    fields: ['(body)'],
    code: 'MALFORMED_REQUEST',
  },
  {
    name: 'a trailing comma',
    request: send('POST', '/v1/jobs', '{"workflow_id":"wf_hostile","name":"x",}'),
    status: 400,
    fields: ['(body)'],
  },
  {
    name: 'single-quoted strings',
    request: send('POST', '/v1/jobs', "{'workflow_id':'wf_hostile','name':'x'}"),
    status: 400,
    fields: ['(body)'],
  },
  {
    name: 'a NaN literal',
    request: send('POST', '/v1/jobs', createJobBody(',"workflow_version":NaN')),
    status: 400,
    fields: ['(body)'],
  },
  {
    name: 'JSON followed by more text',
    request: send('POST', '/v1/jobs', `${createJobBody('')} {}`),
    status: 400,
    fields: ['(body)'],
  },
  {
    name: 'an invalid UTF-8 byte in a string',
    request: send('POST', '/v1/jobs', bytes('{"workflow_id":"wf_hostile","name":"a', [0xff, 0xfe], '"}')),
    status: 400,
    fields: ['(body)'],
    code: 'MALFORMED_REQUEST',
  },
  {
    name: 'a surrogate encoded in UTF-8 (CESU-8)',
    request: send('POST', '/v1/jobs', bytes('{"workflow_id":"wf_hostile","name":"a', [0xed, 0xa0, 0x80], '"}')),
    status: 400,
    fields: ['(body)'],
  },
  {
    name: 'an overlong UTF-8 encoding',
    request: send('POST', '/v1/jobs', bytes('{"workflow_id":"wf_hostile","name":"a', [0xc0, 0xaf], '"}')),
    status: 400,
    fields: ['(body)'],
  },
  {
    name: 'a UTF-8 sequence cut short',
    request: send('POST', '/v1/jobs', bytes('{"workflow_id":"wf_hostile","name":"a', [0xe2, 0x82], '"}')),
    status: 400,
    fields: ['(body)'],
  },
  // Wrong JSON types at every level
  { name: 'an array body', request: send('POST', '/v1/jobs', '[]'), status: 422, fields: ['(body)'] },
  { name: 'a null body', request: send('POST', '/v1/jobs', 'null'), status: 422, fields: ['(body)'] },
  { name: 'a string body', request: send('POST', '/v1/jobs', '"wf_hostile"'), status: 422, fields: ['(body)'] },
  { name: 'a number body', request: send('POST', '/v1/jobs', '42'), status: 422, fields: ['(body)'] },
  {
    name: 'a number as workflow_id',
    request: send('POST', '/v1/jobs', '{"workflow_id":5,"name":"x"}'),
    status: 422,
    fields: ['workflow_id'],
  },
  {
    name: 'an array as workflow_id',
    request: send('POST', '/v1/jobs', '{"workflow_id":["wf_hostile"],"name":"x"}'),
    status: 422,
    fields: ['workflow_id'],
  },
  {
    name: 'an object as name',
    request: send('POST', '/v1/jobs', '{"workflow_id":"wf_hostile","name":{"x":1}}'),
    status: 422,
    fields: ['name'],
  },
  {
    name: 'an array as input_values',
    request: send('POST', '/v1/jobs', createJobBody(',"input_values":[]')),
    status: 422,
    fields: ['input_values'],
  },
  {
    name: 'a string as start',
    request: send('POST', '/v1/jobs', createJobBody(',"start":"yes"')),
    status: 422,
    fields: ['start'],
  },
  {
    name: 'a string as workflow_version',
    request: send('POST', '/v1/jobs', createJobBody(',"workflow_version":"1"')),
    status: 422,
    fields: ['workflow_version'],
  },
  {
    name: 'a member the request does not have',
    request: send('POST', '/v1/jobs', createJobBody(',"owner":"root"')),
    status: 422,
    fields: ['(body)'],
  },
  // Numbers
  {
    name: '1e400 (not a finite number)',
    request: send('POST', '/v1/jobs', createJobBody(',"workflow_version":1e400')),
    status: 422,
    fields: ['workflow_version'],
  },
  {
    name: '-1e400',
    request: send('POST', '/v1/jobs', createJobBody(',"workflow_version":-1e400')),
    status: 422,
    fields: ['workflow_version'],
  },
  {
    name: '-0 as a version',
    request: send('POST', '/v1/jobs', createJobBody(',"workflow_version":-0')),
    status: 422,
    fields: ['workflow_version'],
  },
  {
    name: 'a 30-digit integer',
    request: send('POST', '/v1/jobs', createJobBody(',"workflow_version":123456789012345678901234567890')),
    status: 422,
    fields: ['workflow_version'],
  },
  {
    name: 'a fraction as a version',
    request: send('POST', '/v1/jobs', createJobBody(',"workflow_version":1.5')),
    status: 422,
    fields: ['workflow_version'],
  },
  {
    name: '1e400 deep in a value',
    request: send('POST', '/v1/jobs', createJobBody(',"context":{"a":[1,{"b":1e400}]}')),
    status: 422,
    fields: ['context.a.1.b'],
  },
  // Duplicate members
  {
    name: 'a duplicate member',
    request: send('POST', '/v1/jobs', '{"workflow_id":"wf_hostile","name":"x","workflow_id":"wf_other"}'),
    status: 422,
    fields: ['workflow_id'],
  },
  {
    name: 'a duplicate member deep in a value',
    request: send('POST', '/v1/jobs', createJobBody(',"input_values":{"title":"a","title":"b"}')),
    status: 422,
    fields: ['input_values.title'],
  },
  // Characters
  {
    name: 'NUL in a name',
    request: send('POST', '/v1/jobs', '{"workflow_id":"wf_hostile","name":"a\\u0000b"}'),
    status: 422,
    fields: ['name'],
  },
  {
    name: 'a C1 control in a name',
    request: send('POST', '/v1/jobs', '{"workflow_id":"wf_hostile","name":"a\u0085b"}'),
    status: 422,
    fields: ['name'],
  },
  {
    name: 'ESC in a description',
    request: send('POST', '/v1/jobs', createJobBody(',"description":"\\u001b[31mred"')),
    status: 422,
    fields: ['description'],
  },
  {
    name: 'a lone high surrogate in a name',
    request: send('POST', '/v1/jobs', '{"workflow_id":"wf_hostile","name":"a\\ud800"}'),
    status: 422,
    fields: ['name'],
  },
  {
    name: 'a lone low surrogate in a value',
    request: (f) => send('PUT', `/v1/jobs/${f.jobId}/inputs/title`, '{"value":"\\udc00a"}')(f),
    status: 422,
    fields: ['value'],
  },
  {
    name: 'a lone surrogate in a member name',
    request: send('POST', '/v1/jobs', createJobBody(',"context":{"\\ud83d":1}')),
    status: 422,
    fields: ['context.\ud83d'],
  },
  {
    name: 'NUL in a value',
    request: (f) => send('PUT', `/v1/jobs/${f.jobId}/inputs/title`, '{"value":"a\\u0000"}')(f),
    status: 422,
    fields: ['value'],
  },
  {
    name: 'NUL in a file reference',
    request: (f) => send('PUT', `/v1/jobs/${f.jobId}/inputs/doc`, '{"value":{"file_id":"file_\\u0000"}}')(f),
    status: 422,
    fields: ['value.file_id'],
  },
  {
    name: 'NUL in a member name',
    request: send('POST', '/v1/jobs', createJobBody(',"context":{"a\\u0000":1}')),
    status: 422,
    fields: ['context.a\u0000'],
  },
  {
    name: '__proto__ as an input',
    request: send('POST', '/v1/jobs', createJobBody(',"input_values":{"__proto__":{"title":"x"}}')),
    status: 422,
    fields: ['input_values.__proto__'],
  },
  // Oversized values
  {
    name: 'a 201-character name',
    request: send('POST', '/v1/jobs', JSON.stringify({ workflow_id: 'wf_hostile', name: 'n'.repeat(201) })),
    status: 422,
    fields: ['name'],
  },
  {
    name: 'a 100,000-character workflow name',
    request: send(
      'POST',
      '/v1/workflows',
      JSON.stringify({ workflow_id: 'wf_long', name: 'n'.repeat(100_000), steps: [toolStepDefinition('s', 'noop')] }),
    ),
    status: 422,
    fields: ['name'],
  },
  {
    name: '10,001 steps',
    request: send(
      'POST',
      '/v1/workflows',
      JSON.stringify({
        workflow_id: 'wf_many',
        name: 'many',
        steps: Array.from({ length: 10_001 }, (_, i) => ({ step_id: `s${i}`, tool: { tool_id: 'noop', name: 'n' } })),
      }),
    ),
    status: 422,
    fields: ['steps'],
  },
  {
    name: '501 input variables',
    request: send(
      'POST',
      '/v1/workflows',
      JSON.stringify({
        workflow_id: 'wf_vars',
        name: 'v',
        input_variables: Array.from({ length: 501 }, (_, i) => ({
          variable_id: `v${i}`,
          name: 'v',
          schema: { type: 'string' },
        })),
        steps: [toolStepDefinition('s', 'noop')],
      }),
    ),
    status: 422,
    fields: ['input_variables'],
  },
  // Input values against their schema
  {
    name: 'a string for an integer input',
    request: (f) => send('PUT', `/v1/jobs/${f.jobId}/inputs/count`, '{"value":"3"}')(f),
    status: 422,
    fields: ['value'],
  },
  {
    name: 'a fraction for an integer input',
    request: (f) => send('PUT', `/v1/jobs/${f.jobId}/inputs/count`, '{"value":3.5}')(f),
    status: 422,
    fields: ['value'],
  },
  {
    name: '2^53 + 1 for an integer input',
    request: (f) => send('PUT', `/v1/jobs/${f.jobId}/inputs/count`, '{"value":9007199254740993}')(f),
    status: 422,
    fields: ['value'],
  },
  {
    name: '1e400 for an integer input',
    request: (f) => send('PUT', `/v1/jobs/${f.jobId}/inputs/count`, '{"value":1e400}')(f),
    status: 422,
    fields: ['value'],
  },
  {
    name: 'a string over its max_length',
    request: (f) => send('PUT', `/v1/jobs/${f.jobId}/inputs/title`, JSON.stringify({ value: 't'.repeat(51) }))(f),
    status: 422,
    fields: ['value'],
  },
  {
    name: 'a 900 KB string',
    request: (f) => send('PUT', `/v1/jobs/${f.jobId}/inputs/title`, JSON.stringify({ value: 't'.repeat(900_000) }))(f),
    status: 422,
    fields: ['value'],
  },
  {
    name: 'an array over its max_items',
    request: (f) => send('PUT', `/v1/jobs/${f.jobId}/inputs/tags`, '{"value":["a","b","c","d"]}')(f),
    status: 422,
    fields: ['value'],
  },
  {
    name: 'a number among strings',
    request: (f) => send('PUT', `/v1/jobs/${f.jobId}/inputs/tags`, '{"value":["a",1]}')(f),
    status: 422,
    fields: ['value'],
  },
  {
    name: 'an input body without value',
    request: (f) => send('PUT', `/v1/jobs/${f.jobId}/inputs/title`, '{}')(f),
    status: 422,
    fields: ['value'],
  },
  {
    name: 'an input body with another member',
    request: (f) => send('PUT', `/v1/jobs/${f.jobId}/inputs/title`, '{"value":"ok","extra":1}')(f),
    status: 422,
    fields: ['(body)'],
  },
  {
    name: 'an unknown file',
    request: (f) => send('PUT', `/v1/jobs/${f.jobId}/inputs/doc`, '{"value":{"file_id":"file_nope"}}')(f),
    status: 422,
    fields: ['value'],
  },
  {
    name: 'start with an unknown input',
    request: (f) => send('POST', `/v1/jobs/${f.jobId}/start`, '{"input_values":{"nope":1}}')(f),
    status: 422,
    fields: ['input_values.nope'],
  },
  {
    name: 'start with an array of inputs',
    request: (f) => send('POST', `/v1/jobs/${f.jobId}/start`, '{"input_values":[]}')(f),
    status: 422,
    fields: ['input_values'],
  },
  {
    name: 'create-and-start with an invalid input',
    request: send('POST', '/v1/jobs', createJobBody(',"start":true,"input_values":{"count":"many"}')),
    status: 422,
    fields: ['input_values.count'],
  },
  {
    name: 'a confirmation payload that is an array',
    request: (f) => send('POST', `/v1/jobs/${f.jobId}/steps/s/confirm`, '{"payload":[]}')(f),
    status: 422,
    fields: ['payload'],
  },
  {
    name: 'a draft edit with a number as name (merge-patch+json)',
    request: send('PATCH', '/v1/workflows/wf_hostile/versions/2', '{"name":5}', {
      contentType: 'application/merge-patch+json',
    }),
    status: 422,
    fields: ['name'],
  },
  {
    name: 'a draft edit with null as name',
    request: send('PATCH', '/v1/workflows/wf_hostile/versions/2', '{"name":null}'),
    status: 422,
    fields: ['name'],
  },
  {
    name: 'a new version from version 0',
    request: send('POST', '/v1/workflows/wf_hostile/versions', '{"from_version":0}'),
    status: 422,
    fields: ['from_version'],
  },
  // Queries: limits and cursors
  ...['0', '201', 'abc', '1e400', '-0', '1.5', '0x10', '%205', '', '1e2'].map((limit): Row => ({
    name: `limit=${limit}`,
    request: send('GET', `/v1/jobs?limit=${limit}`),
    status: 422,
    fields: ['query.limit'],
  })),
  { name: 'two limits', request: send('GET', '/v1/workflows?limit=1&limit=2'), status: 422, fields: ['query.limit'] },
  {
    name: 'a lower-case status',
    request: send('GET', '/v1/jobs?status=running'),
    status: 422,
    fields: ['query.status'],
  },
  {
    name: 'NUL in a workflow_id filter',
    request: send('GET', '/v1/jobs?workflow_id=wf%00'),
    status: 422,
    fields: ['query.workflow_id'],
  },
  {
    name: 'a query parameter the list does not have',
    request: send('GET', '/v1/jobs?sort=desc'),
    status: 422,
    fields: ['query'],
  },
  {
    name: 'a garbage cursor',
    request: send('GET', '/v1/jobs?cursor=!!garbage!!'),
    status: 422,
    fields: ['query.cursor'],
  },
  { name: 'an empty cursor', request: send('GET', '/v1/jobs?cursor='), status: 422, fields: ['query.cursor'] },
  {
    name: 'a cursor of invalid UTF-8',
    request: send('GET', '/v1/jobs?cursor=%FF%FE'),
    status: 422,
    fields: ['query.cursor'],
  },
  {
    name: "the workflows list's cursor on jobs",
    request: (f) => send('GET', `/v1/jobs?cursor=${f.workflowsCursor}`)(f),
    status: 422,
    fields: ['query.cursor'],
  },
  {
    name: "the jobs list's cursor on workflows",
    request: (f) => send('GET', `/v1/workflows?cursor=${f.jobsCursor}`)(f),
    status: 422,
    fields: ['query.cursor'],
  },
  {
    name: "the versions list's cursor on workflows",
    request: (f) => send('GET', `/v1/workflows?cursor=${f.versionsCursor}`)(f),
    status: 422,
    fields: ['query.cursor'],
  },
  {
    name: "the workflows list's cursor on versions",
    request: (f) => send('GET', `/v1/workflows/wf_hostile/versions?cursor=${f.workflowsCursor}`)(f),
    status: 422,
    fields: ['query.cursor'],
  },
  {
    name: 'a tampered jobs cursor with NUL',
    request: send('GET', `/v1/jobs?cursor=${b64('{"created_at":"2026-01-01T00:00:00.000Z\\u0000","job_id":"job_x"}')}`),
    status: 422,
    fields: ['query.cursor'],
  },
  {
    name: 'a tampered jobs cursor that is no time',
    request: send('GET', `/v1/jobs?cursor=${b64('{"created_at":"yesterday","job_id":"job_x"}')}`),
    status: 422,
    fields: ['query.cursor'],
  },
  {
    name: 'a tampered jobs cursor with another member',
    request: send(
      'GET',
      `/v1/jobs?cursor=${b64('{"created_at":"2026-01-01T00:00:00.000Z","job_id":"job_x","admin":true}')}`,
    ),
    status: 422,
    fields: ['query.cursor'],
  },
  {
    name: 'a tampered workflows cursor with NUL',
    request: send('GET', `/v1/workflows?cursor=${b64('{"workflow_id":"wf\\u0000"}')}`),
    status: 422,
    fields: ['query.cursor'],
  },
  {
    name: 'a tampered versions cursor of 1e400',
    request: send('GET', `/v1/workflows/wf_hostile/versions?cursor=${b64('{"version":1e400}')}`),
    status: 422,
    fields: ['query.cursor'],
  },
  {
    name: 'a retry with dry_run=yes',
    request: (f) => send('POST', `/v1/jobs/${f.jobId}/retry?dry_run=yes`)(f),
    status: 422,
    fields: ['query.dry_run'],
  },
  // Idempotency keys
  {
    name: 'an empty Idempotency-Key',
    request: send('POST', '/v1/jobs', createJobBody(''), { headers: [['Idempotency-Key', '']] }),
    status: 422,
    fields: ['header.idempotency-key'],
  },
  {
    name: 'a 256-character Idempotency-Key',
    request: send('POST', '/v1/jobs', createJobBody(''), { headers: [['Idempotency-Key', 'k'.repeat(256)]] }),
    status: 422,
    fields: ['header.idempotency-key'],
  },
  {
    name: 'a non-ASCII Idempotency-Key',
    request: send('POST', '/v1/jobs', createJobBody(''), {
      headers: [['Idempotency-Key', Buffer.from('ключ-1', 'utf8').toString('latin1')]],
    }),
    status: 422,
    fields: ['header.idempotency-key'],
  },
  {
    name: 'a control character in an Idempotency-Key',
    request: send('POST', '/v1/jobs', createJobBody(''), { headers: [['Idempotency-Key', 'key\x01one']] }),
    status: 400,
    fields: ['headers'],
  },
  {
    name: 'an Idempotency-Key reused for another request',
    request: (f) =>
      send('POST', `/v1/jobs/${f.jobId}/pause`, '{"other":true}', { headers: [['Idempotency-Key', 'used-key-1']] })(f),
    status: 422,
    fields: ['header.idempotency-key'],
    code: 'IDEMPOTENCY_KEY_REUSED',
  },
  // Headers
  {
    name: 'a foreign Host',
    request: send('GET', '/v1/tools', undefined, { host: 'evil.example' }),
    status: 421,
    fields: ['host'],
  },
  {
    name: 'a foreign Host in upper case',
    request: send('GET', '/v1/tools', undefined, { host: 'EVIL.example:3000' }),
    status: 421,
    fields: ['host'],
  },
  { name: 'no Host', request: send('GET', '/v1/tools', undefined, { host: null }), status: 400, fields: ['host'] },
  {
    name: 'a Host with a port out of range',
    request: send('GET', '/v1/tools', undefined, { host: 'localhost:99999' }),
    status: 400,
    fields: ['host'],
  },
  {
    name: 'a Host with user info',
    request: send('GET', '/v1/tools', undefined, { host: 'localhost:3000@evil.example' }),
    status: 400,
    fields: ['host'],
  },
  {
    name: 'a Host with a space',
    request: send('GET', '/v1/tools', undefined, { host: 'local host' }),
    status: 400,
    fields: ['host'],
  },
  {
    name: 'a broken IPv6 Host',
    request: send('GET', '/v1/tools', undefined, { host: '[::1' }),
    status: 400,
    fields: ['host'],
  },
  {
    name: 'a 10,000-character bearer token',
    request: send('GET', '/v1/tools', undefined, { authorization: `Bearer ${'a'.repeat(10_000)}` }),
    status: 401,
    fields: ['authorization'],
  },
  {
    name: 'a 20,000-character Authorization',
    request: send('GET', '/v1/tools', undefined, { authorization: `Bearer ${'a'.repeat(20_000)}` }),
    status: 431,
    fields: ['headers'],
  },
  {
    name: 'a non-ASCII bearer token',
    request: send('GET', '/v1/tools', undefined, {
      authorization: `Bearer ${Buffer.from(`${TEST_API_KEY}é`, 'utf8').toString('latin1')}`,
    }),
    status: 401,
    fields: ['authorization'],
  },
  {
    name: 'Bearer without a token',
    request: send('GET', '/v1/tools', undefined, { authorization: 'Bearer' }),
    status: 401,
    fields: ['authorization'],
  },
  {
    name: 'a wrong key first, the right one second',
    request: send('GET', '/v1/tools', undefined, {
      authorization: 'Bearer wrong_key_0123456789_abcdef',
      headers: [['Authorization', `Bearer ${TEST_API_KEY}`]],
    }),
    status: 401,
    fields: ['authorization'],
  },
  {
    name: 'Content-Length and Transfer-Encoding together',
    request: send('POST', '/v1/jobs', '2\r\n{}\r\n0\r\n\r\n', {
      headers: [
        ['Transfer-Encoding', 'chunked'],
        ['Content-Length', '9'],
      ],
    }),
    status: 400,
    fields: ['content-length'],
  },
  {
    name: 'a Content-Length that is no number',
    request: send('POST', '/v1/jobs', undefined, {
      contentType: 'application/json',
      headers: [['Content-Length', 'abc']],
    }),
    status: 400,
    fields: ['content-length'],
  },
  // IDs in paths
  ...[
    ['NUL', '/v1/jobs/job%00x'],
    ['an encoded slash', '/v1/jobs/job%2Fx'],
    ['an encoded backslash', '/v1/jobs/job%5Cx'],
    ['a bidi override', '/v1/jobs/job%E2%80%AEx'],
    ['invalid UTF-8', '/v1/jobs/%FF'],
    ['a trailing space', '/v1/jobs/job_x%20'],
    ['a 129-character ID', `/v1/jobs/${'j'.repeat(129)}`],
  ].map(([what, path]): Row => ({
    name: `a job ID with ${what}`,
    request: send('GET', path!),
    status: 422,
    fields: ['param.job_id'],
  })),
  // The URL's dot segments are resolved first (WHATWG URL, as in every browser): this asks for /v1/, which has no route.
  { name: 'an ID of encoded dots', request: send('GET', '/v1/jobs/%2e%2e'), status: 404, fields: ['path'] },
  { name: 'a raw backslash in a path', request: send('GET', '/v1/jobs/job\\x'), status: 400, fields: ['path'] },
  { name: 'a file ID of NUL', request: send('GET', '/v1/files/%00'), status: 422, fields: ['param.file_id'] },
  {
    name: 'a file ID climbing out',
    request: send('DELETE', '/v1/files/%2e%2e%2f%2e%2e%2fordo.db'),
    status: 422,
    fields: ['param.file_id'],
  },
  {
    name: 'a variable ID with NUL',
    request: (f) => send('PUT', `/v1/jobs/${f.jobId}/inputs/ti%00tle`, '{"value":"x"}')(f),
    status: 422,
    fields: ['param.variable_id'],
  },
  {
    name: 'a workflow ID with a line break',
    request: send('GET', '/v1/workflows/wf%0A'),
    status: 422,
    fields: ['param.workflow_id'],
  },
  {
    name: 'a version of 1e400',
    request: send('GET', '/v1/workflows/wf_hostile/versions/1e400'),
    status: 422,
    fields: ['param.version'],
  },
  {
    name: 'a version in hex',
    request: send('GET', '/v1/workflows/wf_hostile/versions/0x1'),
    status: 422,
    fields: ['param.version'],
  },
  { name: 'a tool ID of a space', request: send('GET', '/v1/tools/%20'), status: 422, fields: ['param.tool_id'] },
  // Methods
  { name: 'DELETE on the jobs list', request: send('DELETE', '/v1/jobs'), status: 405, fields: ['method'] },
  {
    name: 'PUT on a job',
    request: (f) => send('PUT', `/v1/jobs/${f.jobId}`, '{}')(f),
    status: 405,
    fields: ['method'],
  },
  {
    name: 'PATCH on a file',
    request: (f) => send('PATCH', `/v1/files/${f.fileId}`, '{}')(f),
    status: 405,
    fields: ['method'],
  },
  { name: 'POST on /health', request: send('POST', '/health'), status: 405, fields: ['method'] },
  { name: 'TRACE on the jobs list', request: send('TRACE', '/v1/jobs'), status: 405, fields: ['method'] },
  { name: 'a method HTTP does not have', request: send('FROB', '/v1/jobs'), status: 400, fields: ['method'] },
  // Uploads and file names
  uploadRow('a file name with NUL', bytes('a', [0], 'b.txt'), 422, ['file']),
  uploadRow('a file name with ESC', 'a\x1b[2Jb.txt', 422, ['file']),
  uploadRow('a file name with DEL', 'a\x7fb.txt', 422, ['file']),
  uploadRow('a file name with a C1 control', 'a\u0085b.txt', 422, ['file']),
  uploadRow('a file name with a bidi override', 'invoice\u202Etxt.exe', 422, ['file']),
  uploadRow('a file name with a bidi isolate', 'a\u2066b.txt', 422, ['file']),
  uploadRow('a 100,000-character file name', `${'n'.repeat(100_000)}.txt`, 422, ['file']),
  uploadRow('a file name of 256 bytes in 128 characters', 'é'.repeat(128), 422, ['file']),
  uploadRow('an empty file', 'empty.txt', 422, ['file'], ''),
  {
    name: 'an upload without a file field',
    request: send('POST', '/v1/files', multipart('a.txt', 'x', 'other').body, {
      contentType: multipart('a.txt').contentType,
    }),
    status: 422,
    fields: ['file'],
  },
  {
    name: 'an upload as JSON',
    request: send('POST', '/v1/files', '{"file":"aGVsbG8="}'),
    status: 415,
    fields: ['content-type'],
  },
  {
    name: 'multipart without a boundary',
    request: send('POST', '/v1/files', multipart('a.txt').body, { contentType: 'multipart/form-data' }),
    status: 400,
    fields: ['(body)'],
  },
  {
    name: 'multipart cut short',
    request: send('POST', '/v1/files', multipart('a.txt').body.subarray(0, 60), {
      contentType: multipart('a.txt').contentType,
    }),
    status: 400,
    fields: ['(body)'],
  },
  {
    name: 'an upload declaring 6 MiB',
    request: send('POST', '/v1/files', multipart('a.txt').body, {
      contentType: multipart('a.txt').contentType,
      headers: [['Content-Length', String(6 * 1024 * 1024)]],
    }),
    status: 413,
    fields: ['file'],
  },
];

const TABLES = ['workflows', 'files', 'jobs', 'runs', 'step_runs', 'idempotency_keys', 'job_files'] as const;

/** Everything the store holds: every row of every table, and the files under the data folder. */
async function snapshot(stack: ApiStack): Promise<Record<string, string[]>> {
  const state: Record<string, string[]> = {};
  for (const table of TABLES) {
    const rows = await stack.store.db.selectFrom(table).selectAll().execute();
    state[table] = rows.map((row) => JSON.stringify(row)).sort();
  }
  state.data_dir = (await readdir(stack.dataDir, { recursive: true }))
    .filter((p) => !/^ordo\.db(-wal|-shm|-journal)?$/.test(p))
    .sort();
  return state;
}

/**
 * The hand-made bad-request table, against the real app over real HTTP (the API's own server)
 * on SQLite and on PostgreSQL: each row must get its 4xx `application/problem+json`, declared
 * for its route in the OpenAPI document, naming the field, and leave the store exactly as it was.
 */
forEachDialect('hostile requests', (dialect) => {
  let stack: ApiStack;
  let server: ApiServer;
  let checker: ResponseChecker;
  const fixtures = {} as Fixtures;

  beforeAll(async () => {
    stack = await startApiStack(`bad-requests-${dialect}`, { dialect, worker: false });
    server = await startApiServer(stack.app.fetch, { hostname: '127.0.0.1', port: 0 });
    fixtures.port = Number(new URL(server.url).port);
    checker = new ResponseChecker((await (await stack.request('/openapi.json')).json()) as OpenApiDocument);
    const ok = async (res: Response | Promise<Response>) => {
      const answer = await res;
      expect(answer.status, await answer.clone().text()).toBeLessThan(300);
      return answer.json() as Promise<Record<string, unknown>>;
    };
    const variables = [
      { name: 'title', variable_id: 'title', required: true, schema: { type: 'string', max_length: 50 } },
      { name: 'count', variable_id: 'count', required: false, schema: { type: 'number', integer: true } },
      {
        name: 'tags',
        variable_id: 'tags',
        required: false,
        schema: { type: 'array', items: { type: 'string' }, max_items: 3 },
      },
      { name: 'document', variable_id: 'doc', required: false, schema: { type: 'file' } },
    ];
    for (const workflowId of ['wf_hostile', 'wf_hostile_b']) {
      await ok(
        stack.request(
          '/v1/workflows',
          json('POST', {
            workflow_id: workflowId,
            name: workflowId,
            status: 'PUBLISHED',
            input_variables: variables,
            steps: [toolStepDefinition('s', 'noop', { value: 'title' }, { value: 'out' })],
          }),
        ),
      );
    }
    await ok(stack.request('/v1/workflows/wf_hostile/versions', json('POST', { from_version: 1 })));
    fixtures.jobId = (await ok(stack.request('/v1/jobs', json('POST', { workflow_id: 'wf_hostile', name: 'target' }))))
      .job_id as string;
    await ok(stack.request('/v1/jobs', json('POST', { workflow_id: 'wf_hostile', name: 'second' })));
    fixtures.fileId = (
      await ok(stack.request('/v1/files', upload(new TextEncoder().encode('kept'), 'kept.txt', 'text/plain')))
    ).file_id as string;
    fixtures.jobsCursor = (await ok(stack.request('/v1/jobs?limit=1'))).next_cursor as string;
    fixtures.workflowsCursor = (await ok(stack.request('/v1/workflows?limit=1'))).next_cursor as string;
    fixtures.versionsCursor = (await ok(stack.request('/v1/workflows/wf_hostile/versions?limit=1')))
      .next_cursor as string;
    // A key whose first request (a pause of a PENDING job: 409) is stored.
    const first = await stack.request(`/v1/jobs/${fixtures.jobId}/pause`, {
      method: 'POST',
      headers: { 'Idempotency-Key': 'used-key-1' },
    });
    expect(first.status).toBe(409);
  });
  afterAll(async () => {
    await server?.close();
    await stack?.stop();
  });

  for (const row of ROWS) {
    it(`${row.name}: ${row.status} naming ${row.fields.join(', ')}, nothing written`, async () => {
      const before = await snapshot(stack);
      const request = row.request(fixtures);
      const res = await rawRequest(fixtures.port, request);
      const why = `${request.method} ${request.path.slice(0, 120)} → ${res.status} ${res.headers.get('content-type')} ${res.body.slice(0, 400)}`;
      expect(res.status, why).toBe(row.status);
      expect(res.headers.get('content-type'), why).toBe('application/problem+json');
      const problem = JSON.parse(res.body) as { status: number; code: string; errors?: { field: string }[] };
      expect(problem.status, why).toBe(row.status);
      if (row.code) expect(problem.code, why).toBe(row.code);
      expect(problem.errors?.map((e) => e.field) ?? [], why).toEqual(expect.arrayContaining(row.fields));
      checker.check({
        method: request.method,
        path: request.path,
        status: res.status,
        headers: res.headers,
        body: res.body,
      });
      expect(await snapshot(stack), `${why}: the store changed`).toEqual(before);
    });
  }
});
