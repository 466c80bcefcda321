import type { FastifyServerOptions } from 'fastify';

/**
 * The server's structured log (pino through Fastify): one JSON line per event, each request's lines carrying
 * its request id (`reqId`). Personal data never reaches it: requests are logged as method, URL and source
 * address only — no bodies, no cookie, authorization or CSRF header, an Open311 api_key in the query string
 * starred — and personal numbers travel in POST bodies, never URLs (DESIGN rule 2). ops/logging.test.ts
 * files a case, signs in and imports a ledger through this very configuration and scans every line.
 */
export function serverLoggerOptions(level: string, stream?: NodeJS.WritableStream): FastifyServerOptions['logger'] {
  return {
    level,
    ...(stream === undefined ? {} : { stream }),
    // @fastify/multipart logs busboy's options, request headers included, at trace level
    redact: [
      'req.headers.authorization',
      'req.headers.cookie',
      'busboyOptions.headers.authorization',
      'busboyOptions.headers.cookie',
      'busboyOptions.headers["x-csrf-token"]',
    ],
    serializers: {
      req: (req: { method: string; url: string; ip?: string }) => ({
        method: req.method,
        // Open311 clients may put their api_key in the query string; it never reaches the log
        url: req.url.replace(/([?&]api_key=)[^&]*/gi, '$1***'),
        ip: req.ip,
      }),
    },
  };
}
