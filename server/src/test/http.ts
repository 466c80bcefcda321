import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { TEST_PASSWORD } from './harness.ts';

/** A signed-in session that can send any payload with any content type (the harness Client sends objects only). */
export interface RawClient {
  send(options: {
    method: string;
    url: string;
    payload?: string | Buffer;
    contentType?: string;
  }): Promise<LightMyRequestResponse>;
}

/** Signs in through the API and returns a client that sends raw bodies with the session cookie and CSRF token. */
export async function signInRaw(app: FastifyInstance, username: string, password = TEST_PASSWORD): Promise<RawClient> {
  const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } });
  if (res.statusCode !== 200) throw new Error(`login ${username} failed: ${res.statusCode} ${res.body}`);
  const session = res.cookies.find((c) => c.name === 'tz_session')!.value;
  const csrf = (res.json() as { csrfToken: string }).csrfToken;
  return {
    send: ({ method, url, payload, contentType }) =>
      app.inject({
        method: method as 'GET',
        url,
        cookies: { tz_session: session },
        headers: { 'x-csrf-token': csrf, ...(contentType === undefined ? {} : { 'content-type': contentType }) },
        ...(payload === undefined ? {} : { payload }),
      }),
  };
}

const HAN = /[\u4e00-\u9fff]/;

/**
 * Checks the one error body every 4xx carries: status, stable code, a Chinese and an English message;
 * a 400 also lists its field errors, each with both messages.
 */
export function expectErrorBody(res: LightMyRequestResponse, context = ''): void {
  const where = `${context} → ${res.statusCode} ${res.body.slice(0, 300)}`;
  expect(res.headers['content-type'], where).toMatch(/^application\/json/);
  const body = res.json() as Record<string, unknown>;
  expect(body.statusCode, where).toBe(res.statusCode);
  expect(typeof body.code === 'string' && /^[A-Z_]+$/.test(body.code), where).toBe(true);
  expect(typeof body.message_zh === 'string' && HAN.test(body.message_zh), `${where}: message_zh must be Chinese`).toBe(
    true,
  );
  expect(typeof body.message_en === 'string' && body.message_en.trim().length > 0, `${where}: message_en`).toBe(true);
  if (res.statusCode !== 400) return;
  expect(Array.isArray(body.errors) && body.errors.length > 0, `${where}: a 400 lists its field errors`).toBe(true);
  for (const e of body.errors as Record<string, unknown>[]) {
    expect(Object.keys(e).sort(), where).toEqual(['code', 'field', 'message_en', 'message_zh']);
    expect(typeof e.code === 'string' && e.code.length > 0, where).toBe(true);
    expect(typeof e.field === 'string' && e.field.length > 0, where).toBe(true);
    expect(
      typeof e.message_zh === 'string' && HAN.test(e.message_zh),
      `${where}: field message_zh must be Chinese`,
    ).toBe(true);
    expect(typeof e.message_en === 'string' && e.message_en.trim().length > 0, where).toBe(true);
  }
}

/** A multipart/form-data body: text fields, then files (name, file name, bytes). */
export function multipartBody(
  fields: Record<string, string>,
  files: { field: string; fileName: string; data: Buffer; contentType?: string }[] = [],
): { payload: Buffer; contentType: string } {
  const boundary = `----tianzige${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  }
  for (const f of files) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${f.field}"; filename="${f.fileName}"\r\nContent-Type: ${f.contentType ?? 'application/octet-stream'}\r\n\r\n`,
      ),
      f.data,
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** The smallest valid PNG (1×1), for photo uploads. */
export const TINY_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
