import type { ErrorObject } from 'ajv';
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { AppError, type FieldIssue } from '../../domain/errors.js';
import type { AccountsService } from '../../service/accounts.js';
import { projectHeader } from '../authenticate.js';
import { httpStatusOf } from '../httpStatus.js';
import { fieldIssues } from '../validation.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The error shapes of the doors, by the prefix each is mounted at (see api/errors.ts). */
    doorErrors?: Map<string, DialectErrors>;
  }
}

/** One failure as a dialect renders it: its status (Kairos's, before the dialect's mapping), message and fields. */
export interface Failure {
  status: number;
  /** Kairos's error code (`validation_failed`, `not_found`…), for dialects that tell them apart. */
  code: string;
  message: string;
  issues: FieldIssue[];
  /** The request's shape failed its route schema (rather than a service check), for dialects that answer the two apart. */
  schema?: boolean;
  /** On a 429: the seconds the `Retry-After` header names. */
  retryAfter?: number;
}

/** How a dialect answers every failure: the status it uses for Kairos's, and its error body. */
export interface DialectErrors {
  status(failure: Failure): number;
  body(failure: Failure): unknown;
}

/**
 * Every error of an encapsulated dialect plugin, from the router (404), the body parser (413,
 * 415, malformed JSON), the schema validator, the rate limits (429), authentication and the
 * service, in the dialect's own shape; nothing unexpected leaks out.
 */
export function registerDialectErrors(scope: FastifyInstance, dialect: DialectErrors): void {
  // Errors raised before routing (bytes Node's parser refuses, undecodable paths) too.
  scope.doorErrors?.set(scope.prefix, dialect);
  const send = (failure: Failure) => ({ status: dialect.status(failure), body: dialect.body(failure) });
  scope.setErrorHandler((err: FastifyError | AppError, request, reply) => {
    const failure = failureOf(err, request);
    const retryAfter = reply.getHeader('retry-after');
    if (failure.status === 429 && retryAfter !== undefined) failure.retryAfter = Number(retryAfter);
    if (failure.status >= 500) request.log.error({ err }, 'request failed');
    const { status, body } = send(failure);
    return reply.status(status).send(body);
  });
  scope.setNotFoundHandler((request, reply) => {
    const { status, body } = send({ status: 404, code: 'not_found', message: `No route for ${request.method} ${request.url.split('?')[0]}.`, issues: [] });
    return reply.status(status).send(body);
  });
}

function failureOf(err: FastifyError | AppError, request: FastifyRequest): Failure {
  if (err instanceof AppError) return { status: httpStatusOf(err.code), code: err.code, message: err.message, issues: err.details };
  if (err.validation) {
    const issues = fieldIssues(oneIssuePerUnion(err.validation as ErrorObject[]), err.validationContext);
    const first = issues[0];
    return { status: 422, code: 'validation_failed', message: first ? `${first.field}: ${first.issue}` : 'The request is not valid.', issues, schema: true };
  }
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, code: 'payload_too_large', message: `The request body is larger than the ${request.routeOptions.bodyLimit} bytes this endpoint takes.`, issues: [] };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { status: 415, code: 'unsupported_media_type', message: 'Send the body as application/json.', issues: [] };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { status: 400, code: 'invalid_json', message: 'The body is empty; send a JSON object.', issues: [] };
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { status: 400, code: 'invalid_json', message: `The body is not valid JSON: ${err.message}`, issues: [] };
  }
  if (err instanceof SyntaxError) return { status: 400, code: 'invalid_json', message: `The body is not valid JSON: ${err.message}`, issues: [] };
  const status = err.statusCode ?? 500;
  if (status >= 400 && status < 500) return { status, code: 'bad_request', message: err.message, issues: [] };
  return { status: 500, code: 'internal', message: 'Something went wrong on our side; the error has been logged.', issues: [] };
}

/**
 * A value that fits no branch of a union (`name`: a string or null) is one issue: what is wrong
 * with it in the branch of its own type ("must NOT have more than 255 characters"), or, when no
 * branch has its type, "must be string or null"; not one issue per branch and one for the union.
 */
function oneIssuePerUnion(errors: readonly ErrorObject[]): ErrorObject[] {
  const unions = new Map<string, { types: string[]; other: boolean }>();
  for (const e of errors) if (e.keyword === 'anyOf') unions.set(e.instancePath, { types: [], other: false });
  for (const e of errors) {
    const union = unions.get(e.instancePath);
    if (union === undefined || e.keyword === 'anyOf') continue;
    if (e.keyword === 'type') union.types.push(String((e.params as { type: string }).type));
    else union.other = true;
  }
  return errors.flatMap((e) => {
    const union = unions.get(e.instancePath);
    if (union === undefined) return [e];
    if (union.other) return e.keyword === 'type' || e.keyword === 'anyOf' ? [] : [e];
    if (e.keyword !== 'anyOf') return [];
    return [union.types.length > 0 ? { ...e, keyword: 'type', params: { type: [...new Set(union.types)].join(' or ') } } : e];
  });
}

/**
 * Bodies are JSON only: any other media type is refused (415, or the dialect's status for it).
 * A route that takes no body (pause, cancel, run now) ignores an empty one sent with
 * `Content-Type: application/json`, as clients that set that header on every request send it.
 */
export function acceptJsonOnly(scope: FastifyInstance): void {
  scope.removeContentTypeParser('text/plain');
  const parseJson = scope.getDefaultJsonParser('error', 'error');
  scope.removeContentTypeParser('application/json');
  scope.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body: string, done) => {
    if (body === '' && request.routeOptions.schema?.body === undefined) return done(null, undefined);
    return parseJson(request, body, done);
  });
}

/**
 * A JSON body's optional fields sent as `null` count as not given, as the products' JavaScript
 * servers read them: each `null` member of an object (nested objects too, not array items) is
 * dropped before validation, so a default applies and the schema never says "must be string".
 * `keep` names the top-level fields where `null` means something (`space_id: null` takes a job
 * out of its space).
 */
export function nullMeansAbsent(scope: FastifyInstance, keep: readonly string[] = []): void {
  const kept = new Set(keep);
  const strip = (value: unknown, top: boolean): void => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
    const object = value as Record<string, unknown>;
    for (const [key, member] of Object.entries(object)) {
      if (member === null) {
        if (!(top && kept.has(key))) delete object[key];
      } else strip(member, false);
    }
  };
  scope.addHook('preValidation', async (request) => strip(request.body, true));
}

/**
 * An `onRequest` hook that resolves the credential `tokenOf` finds (any project API key, or a
 * signed-in user's access token with `Kairos-Project` when they own several projects) into
 * `request.caller`; 401 when it is missing or not valid.
 */
export function authenticateWith(accounts: AccountsService, tokenOf: (request: FastifyRequest) => string | undefined) {
  return async (request: FastifyRequest): Promise<void> => {
    const principal = await accounts.authenticate(tokenOf(request));
    request.principal = principal;
    const project = request.headers[projectHeader];
    request.caller = await accounts.callerFor(principal, typeof project === 'string' ? project : undefined);
  };
}

/** `Authorization: Bearer <token>`'s token. */
export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header === undefined || !/^bearer\s/i.test(header)) return undefined;
  return header.slice(7).trim() || undefined;
}
