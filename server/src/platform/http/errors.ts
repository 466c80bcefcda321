import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { databaseBusy, isSqliteBusy, isWriteRace, writeRaceLost } from '../../db/database.ts';
import { AppError } from '../errors.ts';
import { brokenMultipart, isMalformedMultipartError } from './multipart.ts';

/** Maps framework errors to our error body; a 500 hides its details and is logged with the request context. */
export function handleError(error: unknown, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof AppError) return reply.code(error.status).send(error.toBody());
  const e = error as FastifyError;
  const known = isMalformedMultipartError(error, request)
    ? brokenMultipart()
    : isSqliteBusy(error)
      ? databaseBusy() // a write kept waiting past the busy timeout by another process: 503, retry later
      : isWriteRace(error)
        ? writeRaceLost() // two at once, the database kept one: 409, the loser's transaction rolled back whole
        : mapFrameworkError(e);
  if (known !== null) return reply.code(known.status).send(known.toBody());
  if (isAbortedByClient(request)) {
    // the client went away mid-request (an upload cut off): nobody is left to answer, and it is not our bug
    request.log.info({ url: request.routeOptions.url, method: request.method }, 'request aborted by the client');
    return reply.code(400).send(brokenMultipart().toBody());
  }
  request.log.error({ err: error, url: request.routeOptions.url, method: request.method }, 'unhandled error');
  return reply.code(500).send({
    statusCode: 500,
    code: 'INTERNAL',
    message_zh: '服务器内部错误，已记录',
    message_en: 'Internal server error; it has been logged',
  });
}

/** The client closed the connection before its request body was all read. */
function isAbortedByClient(request: FastifyRequest): boolean {
  const raw = request.raw;
  return raw.aborted || (!raw.complete && (raw.destroyed || raw.socket?.destroyed === true));
}

function mapFrameworkError(e: FastifyError): AppError | null {
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('PAYLOAD_TOO_LARGE', { zh: '请求体过大', en: 'Request body is too large' });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('UNSUPPORTED_MEDIA_TYPE', {
        zh: '不支持的内容类型，请使用 application/json',
        en: 'Unsupported content type; use application/json',
      });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new AppError('BAD_REQUEST', { zh: '请求体不是有效的 JSON', en: 'Request body is not valid JSON' }, [
        {
          code: 'invalid_json',
          field: 'body',
          message_zh: '请求体不是有效的 JSON',
          message_en: 'Body is not valid JSON',
        },
      ]);
    case 'FST_ERR_BAD_URL':
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new AppError('BAD_REQUEST', { zh: '请求地址有误', en: 'Malformed URL' }, [
        {
          code: 'invalid_url',
          field: 'url',
          message_zh: '地址中的参数无效或过长',
          message_en: 'A path parameter is malformed or too long',
        },
      ]);
    default:
      break;
  }
  if (e.statusCode === 429)
    return new AppError('RATE_LIMITED', { zh: '请求过于频繁，请稍后再试', en: 'Too many requests; try again later' });
  if (e instanceof SyntaxError || (e.statusCode === 400 && typeof e.code === 'string' && e.code.startsWith('FST_'))) {
    return new AppError('BAD_REQUEST', { zh: '请求格式有误', en: 'Malformed request' }, [
      { code: 'malformed', field: 'request', message_zh: '请求格式有误', message_en: 'Malformed request' },
    ]);
  }
  if (e.statusCode !== undefined && e.statusCode >= 400 && e.statusCode < 500) {
    return new AppError('BAD_REQUEST', { zh: '请求有误', en: e.message }, [
      { code: 'bad_request', field: 'request', message_zh: '请求有误', message_en: e.message },
    ]);
  }
  return null;
}
