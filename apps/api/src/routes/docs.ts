import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { createRouter, route } from '../openapi';
import { notFound } from '../problem';

/** Where the interactive reference reads the document from. */
export const OPENAPI_PATH = '/openapi.json';

/**
 * The files `/docs` serves, all from the `swagger-ui-dist` package installed with the API (so the
 * reference works with no internet access), plus Ordo's own start script. Nothing else under
 * the package's folder is reachable.
 */
const ASSETS: Record<string, { file: string; type: string }> = {
  'swagger-ui.css': { file: 'swagger-ui.css', type: 'text/css; charset=utf-8' },
  'swagger-ui-bundle.js': { file: 'swagger-ui-bundle.js', type: 'text/javascript; charset=utf-8' },
  'favicon-32x32.png': { file: 'favicon-32x32.png', type: 'image/png' },
  'favicon-16x16.png': { file: 'favicon-16x16.png', type: 'image/png' },
};

/** The names of the files under `/docs/`. */
export const DOCS_ASSETS = [...Object.keys(ASSETS), 'ordo-docs.js'];

// A script file rather than an inline script, so the page works under a strict Content-Security-Policy.
// `validatorUrl: null`: Swagger UI would otherwise send the document to an online validator.
const START_SCRIPT = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: ${JSON.stringify(OPENAPI_PATH)},
    dom_id: '#swagger-ui',
    deepLinking: true,
    validatorUrl: null,
    tryItOutEnabled: false,
    persistAuthorization: false,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
  });
});
`;

const PAGE = `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Ordo API reference</title>
    <link rel="stylesheet" href="/docs/swagger-ui.css">
    <link rel="icon" type="image/png" href="/docs/favicon-32x32.png" sizes="32x32">
    <link rel="icon" type="image/png" href="/docs/favicon-16x16.png" sizes="16x16">
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="/docs/swagger-ui-bundle.js"></script>
    <script src="/docs/ordo-docs.js"></script>
  </body>
</html>
`;

/** Only same-origin resources: the page loads nothing from elsewhere, and nothing else can inject any. */
const PAGE_POLICY =
  "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'";

const docsPage = route({
  operationId: 'getDocs',
  method: 'get',
  path: '/',
  tags: ['operations'],
  summary: 'Interactive API reference',
  description: `Swagger UI, served by the API itself with no internet access needed, reading \`${OPENAPI_PATH}\`.`,
  security: [],
  responses: { 200: { description: 'The reference page', content: { 'text/html': { schema: z.string() } } } },
});

const docsAsset = route({
  operationId: 'getDocsAsset',
  method: 'get',
  path: '/{asset}',
  tags: ['operations'],
  summary: "A file of the API reference's page",
  description: 'A script, stylesheet or image the page at `/docs` loads, served from the API itself (no CDN).',
  security: [],
  request: {
    params: z.object({
      asset: z
        .string()
        .min(1)
        .max(128)
        .describe(`One of ${DOCS_ASSETS.join(', ')}`),
    }),
  },
  responses: {
    200: {
      description: 'The file',
      content: {
        'text/css': { schema: z.string() },
        'text/javascript': { schema: z.string() },
        'image/png': { schema: z.string().describe('binary') },
      },
    },
  },
  problems: [404],
});

/** `/docs`: the interactive reference of the OpenAPI document, and the files its page loads. */
export function docsRoutes() {
  const dist = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  // Read once, on first use: the bundle is large and never changes while the API runs.
  const cache = new Map<string, Promise<Buffer>>();
  const read = (file: string) => {
    let bytes = cache.get(file);
    if (!bytes) {
      bytes = readFile(join(dist, file));
      cache.set(file, bytes);
    }
    return bytes;
  };
  return createRouter()
    .openapi(docsPage, (c) =>
      c.body(PAGE, 200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': PAGE_POLICY }),
    )
    .openapi(docsAsset, async (c) => {
      const { asset } = c.req.valid('param');
      if (asset === 'ordo-docs.js')
        return c.body(START_SCRIPT, 200, {
          'Content-Type': 'text/javascript; charset=utf-8',
          'Cache-Control': 'no-cache',
        });
      const entry = Object.hasOwn(ASSETS, asset) ? ASSETS[asset] : undefined;
      if (!entry) throw notFound('Reference file', asset);
      const bytes = await read(entry.file);
      return c.body(new Uint8Array(bytes), 200, {
        'Content-Type': entry.type,
        'Cache-Control': 'public, max-age=86400',
      });
    });
}
