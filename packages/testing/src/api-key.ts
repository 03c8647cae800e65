/** The API key the tests' APIs accept (in-process and as processes) and their clients send. */
export const TEST_API_KEY = 'ordo_test_key_0123456789abcdefghij';

/** The signed-URL secret (`ORDO_URL_SIGNING_KEY`) of the tests' API and worker processes. */
export const TEST_URL_SIGNING_KEY = 'ordo_test_url_signing_key_0123456789abcdef';

/**
 * `init` with `Authorization: Bearer <key>` added, unless it sets `authorization` itself:
 * to a value (sent as is, e.g. a wrong key), or to `''` (sent without the header at all).
 */
export function withApiKey(init: RequestInit = {}, key: string = TEST_API_KEY): RequestInit {
  const headers = new Headers(init.headers);
  const given = headers.get('authorization');
  if (given === null) headers.set('authorization', `Bearer ${key}`);
  else if (given === '') headers.delete('authorization');
  return { ...init, headers };
}
