import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { ConnectionError, FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type FieldIssue } from '../domain/errors.js';
import type { DialectErrors } from './compat/door.js';
import { httpStatusOf } from './httpStatus.js';
import { fieldIssues } from './validation.js';
import { isDeepLink } from './plugins/dashboard.js';

function body(code: string, message: string, details: FieldIssue[] = []) {
  return { error: { code, message, details } };
}

/**
 * The native envelope for every failure of the scope it is set on (the `/v1` plugin, and the
 * context of the server's own routes): `{ error: { code, message, details } }`, nothing unexpected
 * leaking out; and its 404. `dashboard`: the dashboard is served, so a deep link that no route
 * took gets its page.
 */
export function registerErrorHandling(app: FastifyInstance, { dashboard }: { dashboard: boolean }): void {
  app.setErrorHandler((err: FastifyError | AppError, request, reply) => {
    if (err instanceof AppError) {
      const status = httpStatusOf(err.code);
      if (status >= 500) request.log.info({ method: request.method, url: request.url, status, error: err.message }, 'request refused');
      return reply.status(status).send(body(err.code, err.message, err.details));
    }
    if (err.validation) {
      const details = fieldIssues(err.validation as never, err.validationContext);
      const first = details[0];
      return reply.status(422).send(body('validation_failed', first ? `${first.field}: ${first.issue}` : 'The request is not valid.', details));
    }
    switch (err.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return reply.status(413).send(body('payload_too_large', `The request body is larger than the ${request.routeOptions.bodyLimit ?? app.initialConfig.bodyLimit} bytes this endpoint takes.`));
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return reply.status(415).send(body('unsupported_media_type', 'Send the body as application/json.'));
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return reply.status(400).send(body('invalid_json', 'The body is empty; send a JSON object.'));
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
      case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
        return reply.status(400).send(body('invalid_json', `The body is not valid JSON: ${err.message}`));
    }
    if ((err as { type?: string }).type === 'entity.parse.failed' || err instanceof SyntaxError) {
      return reply.status(400).send(body('invalid_json', `The body is not valid JSON: ${err.message}`));
    }
    const status = err.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      return reply.status(status).send(body('bad_request', err.message));
    }
    request.log.error({ err }, 'request failed');
    return reply.status(500).send(body('internal', 'Something went wrong on our side; the error has been logged.'));
  });

  app.setNotFoundHandler((request, reply) => {
    if (dashboard && isDeepLink(request)) return reply.header('cache-control', 'no-cache').sendFile('index.html');
    return reply.status(404).send(body('not_found', `No route for ${request.method} ${request.url.split('?')[0]}.`));
  });
}

/**
 * The error shapes of the doors mounted under a path prefix (`/compat/runner` …), which the
 * dialects register; errors raised before any route runs answer in the shape of the door their
 * path leads to, and in the native envelope elsewhere.
 */
export type DoorErrorShapes = ReadonlyMap<string, DialectErrors>;

function doorAt(doors: DoorErrorShapes, url: string): DialectErrors | undefined {
  for (const [prefix, door] of doors) {
    if (url.startsWith(prefix) && (url.length === prefix.length || url[prefix.length] === '/' || url[prefix.length] === '?')) return door;
  }
  return undefined;
}

/** A failure raised before routing, as the door of `url` renders it. */
function answerAt(doors: DoorErrorShapes, url: string | undefined, status: number, code: string, message: string): { status: number; body: unknown } {
  const door = url === undefined ? undefined : doorAt(doors, url);
  if (!door) return { status, body: body(code, message) };
  const failure = { status, code, message, issues: [] };
  return { status: door.status(failure), body: door.body(failure) };
}

/**
 * Errors the router raises before any route runs (a path whose %-escapes do not decode, a
 * malformed header): the same JSON shape as every other error of the door.
 */
export function frameworkErrors(doors: DoorErrorShapes) {
  return (err: FastifyError, request: FastifyRequest, reply: FastifyReply): void => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 400;
    const answer = answerAt(doors, request.raw.url, status, 'bad_request', err.code === 'FST_ERR_BAD_URL' ? 'The URL path is not valid (check its %-escapes).' : err.message);
    void reply.status(answer.status).send(answer.body);
  };
}

/**
 * Requests Node's HTTP parser refuses before Fastify sees them (raw non-ASCII bytes in the URL,
 * malformed request lines or headers, headers too large): answered with the door's error shape
 * too, the door found from the request line's path when it could be read.
 */
export function clientErrors(doors: DoorErrorShapes) {
  return (err: ConnectionError, socket: Socket): void => {
    if (err.code === 'ECONNRESET' || socket.destroyed) return;
    let status = 400;
    let code = 'bad_request';
    let message = 'The request could not be read as HTTP: its request line or a header holds bytes HTTP does not allow (percent-encode non-ASCII text in a URL, e.g. caf%C3%A9).';
    if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
      status = 408;
      code = 'request_timeout';
      message = 'The request did not arrive in time.';
    } else if (err.code === 'HPE_HEADER_OVERFLOW') {
      status = 431;
      code = 'headers_too_large';
      message = 'The request headers are larger than this server takes.';
    }
    if (socket.writable) {
      // Node hands over the bytes it could not parse (a Buffer, whatever Fastify's typings say).
      const packet: unknown = err.rawPacket;
      const path = Buffer.isBuffer(packet) ? /^[A-Z]+ ([^ \r\n]+)/.exec(packet.subarray(0, 2048).toString('latin1'))?.[1] : undefined;
      const answer = answerAt(doors, path, status, code, message);
      const text = JSON.stringify(answer.body);
      socket.write(`HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status] ?? ''}\r\nContent-Length: ${Buffer.byteLength(text)}\r\nContent-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${text}`);
    }
    socket.destroy(err);
  };
}
