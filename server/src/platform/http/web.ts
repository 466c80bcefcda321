import fs from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** The pages of the built web app (web/*.html), one per app. */
export type WebPage = 'index.html' | 'm.html' | 'p.html';

const under = (urlPath: string, prefix: string) =>
  urlPath === prefix || urlPath.startsWith(`${prefix}/`) || urlPath.startsWith(`${prefix}?`);

/**
 * Which built page answers a browser path that is no file: the phone app (m.html) under /m/, the public
 * community pages (p.html) under /p/, the desktop console (index.html) everywhere else.
 */
export function webPageFor(urlPath: string): WebPage {
  if (under(urlPath, '/m')) return 'm.html';
  if (under(urlPath, '/p')) return 'p.html';
  return 'index.html';
}

/** A year: files under /assets/ are named by their content, so a new build is a new name. */
export const HASHED_CACHE = 'public, max-age=31536000, immutable';
/** Pages, the service worker and other files kept under their name: ask every time (a 304 is cheap). */
export const UNHASHED_CACHE = 'no-cache';

function setCacheHeaders(webDist: string) {
  const assets = path.join(webDist, 'assets') + path.sep;
  return (res: { setHeader: (name: string, value: string) => unknown }, file: string) => {
    res.setHeader('cache-control', file.startsWith(assets) ? HASHED_CACHE : UNHASHED_CACHE);
    // the same address answers brotli, gzip or plain by Accept-Encoding: caches must key on it
    res.setHeader('vary', 'accept-encoding');
  };
}

/** The compressed copy of a page the browser accepts (the build writes .br and .gz beside each file). */
function pageBody(file: string, acceptEncoding: string | undefined): { body: Buffer; encoding?: string } {
  const accepts = (name: string) => new RegExp(`\\b${name}\\b(?!;q=0(\\.0*)?\\b)`).test(acceptEncoding ?? '');
  for (const [name, ext] of [
    ['br', '.br'],
    ['gzip', '.gz'],
  ] as const) {
    if (accepts(name) && fs.existsSync(file + ext)) return { body: fs.readFileSync(file + ext), encoding: name };
  }
  return { body: fs.readFileSync(file) };
}

/**
 * Serves the built web app (web/dist): its files as they are, each from its precompressed copy when
 * the browser takes brotli or gzip, hashed assets cached for a year and everything else revalidated;
 * a browser path that is no file gets its app's page (webPageFor); anything else a JSON 404.
 */
export function registerWeb(app: FastifyInstance, webDist: string) {
  const index = path.join(webDist, 'index.html');
  const hasWeb = fs.existsSync(index);
  // wildcard: files are looked up per request, so a rebuilt web app needs no restart; misses fall to the pages.
  if (hasWeb) {
    void app.register(fastifyStatic, {
      root: webDist,
      prefix: '/',
      wildcard: true,
      index: 'index.html',
      preCompressed: true,
      cacheControl: false,
      setHeaders: setCacheHeaders(webDist),
    });
  }
  app.setNotFoundHandler((request, reply) => {
    const isApi = request.url.startsWith('/api/') || request.url.startsWith('/open311/');
    if (!isApi && (request.method === 'GET' || request.method === 'HEAD') && hasWeb) {
      const wanted = path.join(webDist, webPageFor(request.url));
      const { body, encoding } = pageBody(fs.existsSync(wanted) ? wanted : index, request.headers['accept-encoding']);
      if (encoding !== undefined) void reply.header('content-encoding', encoding);
      return reply
        .header('cache-control', UNHASHED_CACHE)
        .header('vary', 'accept-encoding')
        .type('text/html; charset=utf-8')
        .send(body);
    }
    return reply.code(404).send({
      statusCode: 404,
      code: 'NOT_FOUND',
      message_zh: hasWeb || isApi ? '接口不存在' : '控制台尚未构建：请运行 npm start',
      message_en: hasWeb || isApi ? 'No such route' : 'The console is not built: run npm start',
    });
  });
}
