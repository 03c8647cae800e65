import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

/** The parts of an OpenAPI 3.1 document the response check reads. */
export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, unknown>>;
  components?: { schemas?: Record<string, unknown>; responses?: Record<string, OpenApiResponse> };
}

/** An operation of the document: its declared responses by status (`200`, `4XX`, `default`). */
export interface OpenApiOperation {
  responses: Record<string, OpenApiResponse | { $ref: string }>;
}

/** A declared response: its media types and their schemas, and its headers. */
export interface OpenApiResponse {
  description?: string;
  headers?: Record<string, { required?: boolean; description?: string; schema?: unknown } | { $ref: string }>;
  content?: Record<string, { schema?: unknown }>;
}

/** A response that is not what the document declares for its route and status. */
export class ResponseMismatch extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ResponseMismatch';
  }
}

/** How the check treats routes the document does not have yet. */
export interface ResponseCheckOptions {
  /**
   * Path prefixes (`/v1/files`) whose routes may not be in the document yet: a response on
   * such a path that no operation of the document matches is let through unchecked. Any
   * other response without an operation fails.
   */
  pending?: readonly string[];
}

/** The request and response one check is about. */
export interface CheckedExchange {
  method: string;
  /** The request's path (a full URL is accepted too; its query is ignored). */
  path: string;
  status: number;
  headers: Headers;
  /** The response body as text ('' when empty); binary bodies are not read. */
  body: string;
}

const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

interface Template {
  path: string;
  pattern: RegExp;
  /** Literal characters: when two templates match a path, the more literal one is the route. */
  weight: number;
  operations: Map<string, OpenApiOperation>;
}

/**
 * Checks responses against an OpenAPI 3.1 document: finds the operation by method and path
 * template, the declared response for the status (or its `4XX` range, or `default`), the
 * media type, and validates a JSON body against that schema with Ajv's JSON Schema 2020-12
 * validator, `#/components/...` references resolved within the document. A path no route
 * has must answer the document's `NotFound` response, a method a path does not have its
 * `MethodNotAllowed` response. A mismatch throws `ResponseMismatch` naming the route, the
 * status and what is wrong.
 */
export class ResponseChecker {
  private readonly templates: Template[];
  private readonly ajv: Ajv2020;
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(
    readonly document: OpenApiDocument,
    private readonly options: ResponseCheckOptions = {},
  ) {
    if (!document.openapi.startsWith('3.1'))
      throw new Error(`expected an OpenAPI 3.1 document, got ${document.openapi}`);
    // Not strict: the schemas are the generator's output, checked by the document validity test;
    // here they only have to validate bodies. OpenAPI's own schema keywords are known words.
    this.ajv = new Ajv2020({ strict: false, allErrors: true, allowUnionTypes: true });
    addFormats(this.ajv);
    this.ajv.addVocabulary(['example', 'discriminator', 'xml', 'externalDocs']);
    // The whole document is one schema resource, so every `#/components/...` reference resolves in it.
    this.ajv.addSchema(document, DOCUMENT_ID);
    this.templates = Object.entries(document.paths).map(([path, item]) => ({
      path,
      pattern: new RegExp(
        `^${path
          .split(/\{[^}]+\}/)
          .map(escapeRegExp)
          .join('[^/]+')}$`,
      ),
      weight: path.replace(/\{[^}]+\}/g, '').length,
      operations: new Map(
        Object.entries(item)
          .filter(([method]) => HTTP_METHODS.has(method))
          .map(([method, operation]) => [method, operation as OpenApiOperation]),
      ),
    }));
  }

  /** Checks one response; throws `ResponseMismatch` when the document does not allow it. */
  check(exchange: CheckedExchange): void {
    const method = exchange.method.toLowerCase();
    const path = pathOf(exchange.path);
    const matching = this.templates.filter((t) => t.pattern.test(path)).sort((a, b) => b.weight - a.weight);
    // The path is the most specific matching templates' alone (OpenAPI matches concrete parts
    // first): `/inputs/validate` is not also a value of `/inputs/{variable_id}`.
    const template = matching.find((t) => t.weight === matching[0]!.weight && t.operations.has(method));
    if (template) {
      const operation = template.operations.get(method)!;
      const route = `${exchange.method.toUpperCase()} ${template.path}`;
      const key = responseKey(operation.responses, exchange.status);
      if (key === undefined) {
        throw this.mismatch(
          exchange,
          route,
          `status ${exchange.status} is not declared; the document declares ${Object.keys(operation.responses).join(', ')}`,
        );
      }
      const declared = this.resolve(operation.responses[key]!);
      this.checkAgainst(exchange, route, declared, `${pointer(['paths', template.path, method, 'responses', key])}`);
      return;
    }
    if (this.options.pending?.some((prefix) => path === prefix || path.startsWith(`${prefix}/`))) return;
    const route = `${exchange.method.toUpperCase()} ${path}`;
    // No operation: the app's own answers for what it has no route for, or a refusal made
    // before any routing (a missing key, a foreign Host), declared as named responses.
    const refusedFirst = BEFORE_ROUTING[exchange.status];
    const expected = refusedFirst
      ? { status: exchange.status, name: refusedFirst }
      : matching.length > 0
        ? { status: 405, name: 'MethodNotAllowed' }
        : { status: 404, name: 'NotFound' };
    const why =
      matching.length > 0
        ? `the document has no ${method.toUpperCase()} on ${matching[0]!.path}`
        : 'no path of the document matches';
    if (exchange.status !== expected.status)
      throw this.mismatch(
        exchange,
        route,
        `${why}, so the answer must be ${expected.status} (components.responses.${expected.name})`,
      );
    const declared = this.document.components?.responses?.[expected.name];
    if (!declared)
      throw this.mismatch(exchange, route, `${why}, and the document has no components.responses.${expected.name}`);
    this.checkAgainst(exchange, route, declared, pointer(['components', 'responses', expected.name]));
  }

  /** Reads a response (a clone, so the caller can still read it) and checks it. */
  async checkResponse(method: string, path: string, res: Response): Promise<void> {
    const type = mediaTypeOf(res.headers.get('content-type'));
    // An event stream is read by its client as it comes: its body is never waited for here.
    const body =
      type === 'text/event-stream'
        ? '(stream)'
        : type === undefined || isTextual(type)
          ? await res.clone().text()
          : '(binary)';
    this.check({ method, path, status: res.status, headers: res.headers, body });
  }

  private checkAgainst(exchange: CheckedExchange, route: string, declared: OpenApiResponse, at: string): void {
    for (const [name, header] of Object.entries(declared.headers ?? {})) {
      if ('required' in header && header.required && !exchange.headers.has(name))
        throw this.mismatch(exchange, route, `the required header ${name} is missing`);
    }
    const content = declared.content ?? {};
    const type = mediaTypeOf(exchange.headers.get('content-type'));
    if (Object.keys(content).length === 0) {
      if (exchange.body !== '')
        throw this.mismatch(
          exchange,
          route,
          `the document declares no body, but one came (${type ?? 'no content-type'})`,
        );
      return;
    }
    if (type === undefined)
      throw this.mismatch(
        exchange,
        route,
        `the response has no content-type; the document declares ${Object.keys(content).join(', ')}`,
      );
    const mediaType = Object.keys(content).find((declaredType) => mediaTypeMatches(declaredType, type));
    if (mediaType === undefined)
      throw this.mismatch(
        exchange,
        route,
        `content-type ${type} is not declared; the document declares ${Object.keys(content).join(', ')}`,
      );
    if (!isJson(type) || content[mediaType]?.schema === undefined) return;
    let body: unknown;
    try {
      body = JSON.parse(exchange.body);
    } catch {
      throw this.mismatch(exchange, route, `the body is not JSON although the content-type is ${type}`);
    }
    const validate = this.validator(`${at}${pointer(['content', mediaType, 'schema'])}`);
    if (!validate(body))
      throw this.mismatch(
        exchange,
        route,
        `the body does not match the ${mediaType} schema: ${describeErrors(validate.errors ?? [])}`,
      );
  }

  private validator(schemaPointer: string): ValidateFunction {
    let validate = this.validators.get(schemaPointer);
    if (!validate) {
      validate = this.ajv.compile({ $ref: `${DOCUMENT_ID}#${schemaPointer}` });
      this.validators.set(schemaPointer, validate);
    }
    return validate;
  }

  private resolve(response: OpenApiResponse | { $ref: string }): OpenApiResponse {
    if (!('$ref' in response)) return response;
    const name = /^#\/components\/responses\/(.+)$/.exec(response.$ref)?.[1];
    const target = name === undefined ? undefined : this.document.components?.responses?.[name];
    if (!target) throw new Error(`unresolvable response reference ${response.$ref}`);
    return target;
  }

  private mismatch(exchange: CheckedExchange, route: string, what: string): ResponseMismatch {
    const body = exchange.body.length > 600 ? `${exchange.body.slice(0, 600)}…` : exchange.body;
    return new ResponseMismatch(
      `response not as the OpenAPI document declares: ${route} → ${exchange.status}: ${what}\n  body: ${body}`,
    );
  }
}

/** The base URI the document is registered under in Ajv. */
const DOCUMENT_ID = 'urn:ordo:openapi-document';

/** The declared response key for a status: exact, else its range (`4XX`), else `default`. */
function responseKey(responses: Record<string, unknown>, status: number): string | undefined {
  for (const key of [String(status), `${String(status)[0]}XX`, 'default']) if (key in responses) return key;
  return undefined;
}

/** A JSON pointer (RFC 6901) as a URI fragment. */
function pointer(tokens: string[]): string {
  return tokens.map((t) => `/${encodeURIComponent(t.replaceAll('~', '~0').replaceAll('/', '~1'))}`).join('');
}

function pathOf(pathOrUrl: string): string {
  return new URL(pathOrUrl, 'http://localhost').pathname;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Answers a server gives before it routes a request, by status: the named responses that document them. */
const BEFORE_ROUTING: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  421: 'HostNotAllowed',
  431: 'HeadersTooLarge',
};

function mediaTypeOf(header: string | null): string | undefined {
  const type = header?.split(';')[0]?.trim().toLowerCase();
  return type ? type : undefined;
}

function mediaTypeMatches(declared: string, actual: string): boolean {
  if (declared === '*/*' || declared === actual) return true;
  return declared.endsWith('/*') && actual.startsWith(declared.slice(0, -1));
}

function isJson(type: string): boolean {
  return type === 'application/json' || type.endsWith('+json');
}

function isTextual(type: string): boolean {
  return isJson(type) || type.startsWith('text/') || type === 'application/javascript';
}

function describeErrors(errors: readonly ErrorObject[]): string {
  return errors
    .slice(0, 5)
    .map(
      (e) =>
        `${e.instancePath || '(body)'} ${e.message ?? 'is invalid'}${e.params && Object.keys(e.params).length > 0 ? ` ${JSON.stringify(e.params)}` : ''}`,
    )
    .join('; ');
}
