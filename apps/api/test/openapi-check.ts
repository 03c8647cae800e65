import { ResponseChecker, type OpenApiDocument } from '@ordo/testing';

/**
 * Path prefixes whose routes other branches of issue 8 are declaring with `route()` in
 * parallel: "versions" `/v1/workflows`, "ops" `/v1/files` and `/ready`. A response on one
 * of them that no operation of the document matches yet is not checked. Everything else is.
 * PENDING: the lead empties this list once those branches are merged.
 */
export const PENDING_OPENAPI_PATHS: readonly string[] = [];

/**
 * The app with every `app.request` answer checked against the OpenAPI document the app
 * serves (`ResponseChecker`): a response the document does not declare for its route and
 * status, or whose body breaks the declared schema, fails the request that got it, naming
 * the route, the status and the schema error. Every app of the API tests goes through this.
 */
export function checkedApp<A extends { request: Requester }>(app: A): A {
  const request: Requester = app.request;
  let checker: Promise<ResponseChecker> | undefined;
  const checked: Requester = async (input, init) => {
    const res = await request(input, init);
    checker ??= Promise.resolve(request('/openapi.json')).then(
      async (doc) => new ResponseChecker((await doc.json()) as OpenApiDocument, { pending: PENDING_OPENAPI_PATHS }),
    );
    const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
    await (await checker).checkResponse(method, input instanceof Request ? input.url : String(input), res);
    return res;
  };
  return Object.assign(app, { request: checked });
}

/** `app.request` as the tests call it. */
type Requester = (input: string | Request | URL, init?: RequestInit) => Response | Promise<Response>;

const processCheckers = new Map<string, Promise<ResponseChecker>>();

/**
 * `fetch` for tests of the API process over HTTP, with every answer checked against the
 * OpenAPI document that process serves, as `checkedApp` does for `app.request`.
 */
export async function fetchChecked(url: string, init?: RequestInit): Promise<Response> {
  const res = await fetch(url, init);
  const { origin } = new URL(url);
  let checker = processCheckers.get(origin);
  if (!checker) {
    checker = fetch(`${origin}/openapi.json`)
      .then(
        async (doc) => new ResponseChecker((await doc.json()) as OpenApiDocument, { pending: PENDING_OPENAPI_PATHS }),
      )
      .catch((error: unknown) => {
        // The process may be restarting: fetch the document again with the next answer.
        processCheckers.delete(origin);
        throw error;
      });
    processCheckers.set(origin, checker);
  }
  await (await checker).checkResponse(init?.method ?? 'GET', url, res);
  return res;
}
