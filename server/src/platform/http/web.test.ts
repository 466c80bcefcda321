import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../app.ts';
import { CODES, type TestContext, createTestContext } from '../../test/harness.ts';
import { HASHED_CACHE, UNHASHED_CACHE, webPageFor } from './web.ts';

/**
 * The built web app as a phone on a slow link gets it: the compressed copy it accepts, hashed assets
 * kept for a year, pages and the service worker asked for again, and each app's page for its paths.
 */
describe('serving the built web app', () => {
  let t: TestContext;
  let app: FastifyInstance;
  const script = `console.log(${JSON.stringify('田字格 '.repeat(400))});`;
  const dist = fs.mkdtempSync(path.join(os.tmpdir(), 'tz-web-'));

  beforeAll(async () => {
    fs.mkdirSync(path.join(dist, 'assets'));
    const write = (name: string, body: string, compressed = false) => {
      fs.writeFileSync(path.join(dist, name), body);
      if (!compressed) return;
      fs.writeFileSync(path.join(dist, `${name}.br`), zlib.brotliCompressSync(body));
      fs.writeFileSync(path.join(dist, `${name}.gz`), zlib.gzipSync(body));
    };
    write('index.html', '<!doctype html><title>console</title>');
    write('m.html', `<!doctype html><title>phone</title><!-- ${'x'.repeat(2000)} -->`, true);
    write('p.html', '<!doctype html><title>public</title>');
    write('sw.js', 'self.addEventListener("fetch", () => {});');
    write(path.join('assets', 'phone-abc123.js'), script, true);
    t = await createTestContext('sqlite', { divisionsUnder: CODES.yinTanLuStreet });
    app = await buildApp({ ...t.deps, config: { ...t.deps.config, webDist: dist } });
  });
  afterAll(async () => {
    await app.close();
    await t.close();
    fs.rmSync(dist, { recursive: true, force: true });
  });

  const get = (url: string, acceptEncoding?: string) =>
    app.inject({
      method: 'GET',
      url,
      headers: acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding },
    });

  it('sends a hashed asset as brotli or gzip as the browser accepts, plain otherwise, cached for a year', async () => {
    const br = await get('/assets/phone-abc123.js', 'gzip, deflate, br');
    expect(br.statusCode).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(zlib.brotliDecompressSync(br.rawPayload).toString()).toBe(script);
    expect(br.rawPayload.length).toBeLessThan(Buffer.byteLength(script) / 5);
    expect(br.headers['content-type']).toMatch(/javascript/);
    expect(br.headers['cache-control']).toBe(HASHED_CACHE);
    expect(br.headers.vary).toMatch(/accept-encoding/i);

    const gz = await get('/assets/phone-abc123.js', 'gzip');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(zlib.gunzipSync(gz.rawPayload).toString()).toBe(script);

    const plain = await get('/assets/phone-abc123.js');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe(script);
    expect(plain.headers['cache-control']).toBe(HASHED_CACHE);
  });

  it('asks again for pages and the service worker, which keep their names across builds', async () => {
    const sw = await get('/sw.js', 'br');
    expect(sw.statusCode).toBe(200);
    expect(sw.headers['cache-control']).toBe(UNHASHED_CACHE);
    for (const url of ['/', '/orgs', '/m/field', '/p/620102001001']) {
      const page = await get(url, 'br');
      expect(page.statusCode, url).toBe(200);
      expect(page.headers['cache-control'], url).toBe(UNHASHED_CACHE);
    }
  });

  it("answers each app's paths with its page: the phone under /m, the public pages under /p, the console elsewhere", async () => {
    const title = async (url: string) => {
      const res = await get(url, 'gzip, br');
      const body =
        res.headers['content-encoding'] === 'br' ? zlib.brotliDecompressSync(res.rawPayload).toString() : res.body;
      return /<title>(\w+)<\/title>/.exec(body)?.[1];
    };
    expect(await title('/m/field')).toBe('phone');
    expect(await title('/m/cases/123?from=sms')).toBe('phone');
    expect(await title('/m')).toBe('phone');
    expect(await title('/p/620102001001')).toBe('public');
    expect(await title('/')).toBe('console');
    expect(await title('/orgs')).toBe('console');
    expect(await title('/mobile-help')).toBe('console');
    expect(await title('/registry/imports?job=1')).toBe('console');
    const api = await get('/api/v1/nothing');
    expect(api.statusCode).toBe(404);
    expect(api.json()).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('picks the page by the path alone', () => {
    expect(webPageFor('/m/households')).toBe('m.html');
    expect(webPageFor('/m?x=1')).toBe('m.html');
    expect(webPageFor('/mx')).toBe('index.html');
    expect(webPageFor('/p')).toBe('p.html');
    expect(webPageFor('/public')).toBe('index.html');
  });
});
