/**
 * Every error the API returns is `{ code, vi, en }` (plus an English `detail` for a malformed request), the same
 * shape the page already shows for scan reasons. Internal details of a 500 go to the log, not to the client.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { HttpCode } from '../core/codes.js';
import { codeText } from './views.js';

export const ErrorSchema = Type.Object({ code: Type.String(), vi: Type.String(), en: Type.String(), detail: Type.Optional(Type.String()) });

export function errorBody(code: HttpCode, detail?: string): { code: string; vi: string; en: string; detail?: string } {
  return { ...codeText(code), ...(detail === undefined ? {} : { detail }) };
}

/** For typed handlers, which return their body: sets the status and gives the error body. */
export function fail(reply: FastifyReply, status: number, code: HttpCode, detail?: string): ReturnType<typeof errorBody> {
  void reply.code(status);
  return errorBody(code, detail);
}

export function sendError(reply: FastifyReply, status: number, code: HttpCode, detail?: string): FastifyReply {
  return reply.code(status).type('application/json; charset=utf-8').send(errorBody(code, detail));
}

export function handleError(err: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (err.validation !== undefined) return sendError(reply, 400, 'E_HTTP_BAD_REQUEST', err.message);
  const status = err.statusCode ?? 500;
  if (status === 429) return sendError(reply, 429, 'E_HTTP_RATE_LIMITED');
  if (status >= 400 && status < 500) return sendError(reply, status, 'E_HTTP_BAD_REQUEST', err.code);
  request.log.error({ err, url: request.routeOptions.url }, 'request failed');
  return sendError(reply, 500, 'E_HTTP_INTERNAL');
}
