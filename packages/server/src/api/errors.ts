import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { AppError, type FieldIssue } from '../domain/errors.js';
import { fieldIssues } from './validation.js';

function body(code: string, message: string, details: FieldIssue[] = []) {
  return { error: { code, message, details } };
}

/** Every failure leaves as `{ error: { code, message, details } }`; nothing unexpected leaks out. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | AppError, request, reply) => {
    if (err instanceof AppError) {
      if (err.status >= 500) request.log.info({ method: request.method, url: request.url, status: err.status, error: err.message }, 'request refused');
      return reply.status(err.status).send(body(err.code, err.message, err.details));
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
    reply.status(404).send(body('not_found', `No route for ${request.method} ${request.url.split('?')[0]}.`));
  });
}

/**
 * Errors the router raises before any route runs (a path whose %-escapes do not decode, a
 * malformed header): the same JSON shape as every other error.
 */
export function frameworkError(err: FastifyError, _request: unknown, reply: FastifyReply): void {
  const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 400;
  void reply.status(status).send(body('bad_request', err.code === 'FST_ERR_BAD_URL' ? 'The URL path is not valid (check its %-escapes).' : err.message));
}

/**
 * Requests Node's HTTP parser refuses before Fastify sees them (raw non-ASCII bytes in the URL,
 * malformed request lines or headers, headers too large): answered with the error shape too.
 */
export function clientError(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  let status = 400;
  let message = 'The request could not be read as HTTP: its request line or a header holds bytes HTTP does not allow (percent-encode non-ASCII text in a URL, e.g. caf%C3%A9).';
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    status = 408;
    message = 'The request did not arrive in time.';
  } else if (err.code === 'HPE_HEADER_OVERFLOW') {
    status = 431;
    message = 'The request headers are larger than this server takes.';
  }
  if (socket.writable) {
    const text = JSON.stringify(body(status === 400 ? 'bad_request' : status === 408 ? 'request_timeout' : 'headers_too_large', message));
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(text)}\r\nContent-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${text}`);
  }
  socket.destroy(err);
}
