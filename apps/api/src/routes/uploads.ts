import type { AppDeps } from '../deps';
import { MULTIPART_FILE_BODY, UploadedFile, storeUpload, UPLOAD_RULES, uploadBodyLimit } from '../file-upload';
import { createRouter, jsonResponse, route, withMiddleware } from '../openapi';
import { SIGNED_URL_ONLY, SignedUrlQuery } from '../signed-url-access';

const uploadWithSignedUrl = route({
  operationId: 'uploadWithSignedUrl',
  method: 'post',
  path: '/',
  tags: ['files'],
  summary: 'Upload a file through a signed URL',
  description: `An external tool's upload (docs/tools.md, "Files and large values"): the URL is the value Ordo put in the tool's \`"x-ordo-upload-url": true\` parameter, with \`job_id\`, \`expires\` and \`signature\` in the query; it opens this route only, for that job, until \`expires\`, while the job has not ended (403 \`SIGNED_URL_REFUSED\` naming the query parameter otherwise). It stores the file exactly as \`POST /v1/files\` does and answers the same FileValue, which the tool returns as its output. ${UPLOAD_RULES}`,
  request: { query: SignedUrlQuery, body: MULTIPART_FILE_BODY },
  security: SIGNED_URL_ONLY,
  responses: {
    201: {
      ...jsonResponse(UploadedFile, 'The stored file, as jobs reference it'),
      headers: { Location: { description: 'The file\u2019s metadata', schema: { type: 'string' } } },
    },
  },
  problems: [400, 403, 413, 415, 422],
});

/** `/v1/uploads`: files uploaded by external tools through signed upload URLs. */
export function uploadRoutes(deps: AppDeps) {
  return createRouter().openapi(withMiddleware(uploadWithSignedUrl, uploadBodyLimit(deps)), (c) =>
    storeUpload(c, deps),
  );
}
