/**
 * Every error the API returns is `{ code, vi, en }` (plus an English `detail` for a malformed request), the same
 * shape the page already shows for scan reasons. Internal details of a 500 go to the log, not to the client. The
 * status comes from the code (HTTP_STATUS in src/core/codes.ts, the one table), so a call site names only the code.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { HTTP_STATUS, type HttpCode } from '../core/codes.js';
import { codeText } from './views.js';

export const ErrorSchema = Type.Object({ code: Type.String(), vi: Type.String(), en: Type.String(), detail: Type.Optional(Type.String()) });

export interface ErrorBody {
  readonly code: HttpCode;
  readonly vi: string;
  readonly en: string;
  readonly detail?: string;
}

export function errorBody(code: HttpCode, detail?: string): ErrorBody {
  return { ...codeText(code), code, ...(detail === undefined ? {} : { detail }) };
}

/** For typed handlers, which return their body: sets the code's status and gives the error body. */
export function fail(reply: FastifyReply, code: HttpCode, detail?: string): ErrorBody {
  void reply.code(HTTP_STATUS[code]);
  return errorBody(code, detail);
}

export function sendError(reply: FastifyReply, code: HttpCode, detail?: string): FastifyReply {
  return send(reply, HTTP_STATUS[code], code, detail);
}

function send(reply: FastifyReply, status: number, code: HttpCode, detail?: string): FastifyReply {
  return reply.code(status).type('application/json; charset=utf-8').send(errorBody(code, detail));
}

export function handleError(err: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (err.validation !== undefined) return sendError(reply, 'E_HTTP_BAD_REQUEST', err.message);
  const status = err.statusCode ?? 500;
  if (status === 429) return sendError(reply, 'E_HTTP_RATE_LIMITED');
  // Fastify's own client errors (413 body too large, 415 media type, …) keep fastify's status; the body says
  // E_HTTP_BAD_REQUEST with fastify's code as the detail.
  if (status >= 400 && status < 500) return send(reply, status, 'E_HTTP_BAD_REQUEST', err.code);
  request.log.error({ err, url: request.routeOptions.url }, 'request failed');
  return sendError(reply, 'E_HTTP_INTERNAL');
}
