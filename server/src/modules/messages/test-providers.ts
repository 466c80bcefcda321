import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Local HTTP servers that speak the providers' published APIs closely enough to test the adapters:
 * each verifies the request's signature the way the provider documents it (written here from the
 * documentation, not shared with the adapters), then answers what the test scripts: success,
 * throttling or a permanent error. Only tests import this file.
 */

export interface ProviderServer<A> {
  url: string;
  /** every request that passed the signature check, decoded */
  accepted: Record<string, unknown>[];
  /** requests whose signature did not verify */
  rejected: number;
  /** answers for the next requests, in order; when empty, `fallback` */
  script: A[];
  fallback: A;
  close(): Promise<void>;
}

async function listen(handler: http.RequestListener): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

const send = (res: http.ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

/** Aliyun's percent-encoding, byte by byte: unreserved A–Z a–z 0–9 - _ . ~ stay, the rest %XX. */
function aliyunEncode(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-_.~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** A gateway in front of a provider that answers every request with a bare status and no JSON (a 429 page). */
export async function startBareStatusServer(status: number): Promise<{ url: string; close: () => Promise<void> }> {
  return listen((req, res) => {
    void readBody(req).then(() => {
      res.writeHead(status, { 'content-type': 'text/html' });
      res.end('<html>Too Many Requests</html>');
    });
  });
}

export type AliyunAnswer = { status: number; Code: string };

/** dysmsapi: POST / with the RPC parameters as a form; Signature per the RPC signature mechanism. */
export async function startAliyunServer(secret: string): Promise<ProviderServer<AliyunAnswer>> {
  const nonces = new Set<string>();
  const state: ProviderServer<AliyunAnswer> = {
    url: '',
    accepted: [],
    rejected: 0,
    script: [],
    fallback: { status: 200, Code: 'OK' },
    close: () => Promise.resolve(),
  };
  const server = await listen((req, res) => {
    void readBody(req).then((raw) => {
      const params = Object.fromEntries(new URLSearchParams(raw));
      const { Signature: signature, ...rest } = params;
      const canonical = Object.keys(rest)
        .sort()
        .map((k) => `${aliyunEncode(k)}=${aliyunEncode(rest[k]!)}`)
        .join('&');
      const stringToSign = `${req.method}&${aliyunEncode('/')}&${aliyunEncode(canonical)}`;
      const expected = crypto.createHmac('sha1', `${secret}&`).update(stringToSign).digest('base64');
      const isWellFormed =
        rest.Action === 'SendSms' &&
        rest.Version === '2017-05-25' &&
        rest.SignatureMethod === 'HMAC-SHA1' &&
        rest.SignatureVersion === '1.0' &&
        /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(rest.Timestamp ?? '') &&
        rest.SignatureNonce !== undefined &&
        !nonces.has(rest.SignatureNonce);
      if (signature !== expected || !isWellFormed) {
        state.rejected++;
        send(res, 400, {
          Code: 'SignatureDoesNotMatch',
          Message: 'Specified signature is not matched',
          RequestId: 'r',
        });
        return;
      }
      nonces.add(rest.SignatureNonce!);
      state.accepted.push(rest);
      const answer = state.script.shift() ?? state.fallback;
      send(res, answer.status, {
        Code: answer.Code,
        Message: answer.Code === 'OK' ? 'OK' : 'refused',
        RequestId: crypto.randomUUID(),
        ...(answer.Code === 'OK' ? { BizId: `biz-${state.accepted.length}` } : {}),
      });
    });
  });
  state.url = server.url;
  state.close = server.close;
  return state;
}

export type TencentAnswer = { error?: string; status?: string };

/** Tencent Cloud API 3.0 SendSms: TC3-HMAC-SHA256 over content-type and host, checked from the headers. */
export async function startTencentServer(secretId: string, secretKey: string): Promise<ProviderServer<TencentAnswer>> {
  const state: ProviderServer<TencentAnswer> = {
    url: '',
    accepted: [],
    rejected: 0,
    script: [],
    fallback: { status: 'Ok' },
    close: () => Promise.resolve(),
  };
  const sha = (t: string) => crypto.createHash('sha256').update(t).digest('hex');
  const mac = (k: crypto.BinaryLike, t: string) => crypto.createHmac('sha256', k).update(t).digest();
  const server = await listen((req, res) => {
    void readBody(req).then((raw) => {
      const timestamp = String(req.headers['x-tc-timestamp'] ?? '');
      const date = new Date(Number(timestamp) * 1000).toISOString().slice(0, 10);
      const contentType = String(req.headers['content-type'] ?? '');
      const host = String(req.headers.host ?? '');
      const canonical = `POST\n/\n\ncontent-type:${contentType}\nhost:${host}\n\ncontent-type;host\n${sha(raw)}`;
      const stringToSign = `TC3-HMAC-SHA256\n${timestamp}\n${date}/sms/tc3_request\n${sha(canonical)}`;
      const key = mac(mac(mac(`TC3${secretKey}`, date), 'sms'), 'tc3_request');
      const signature = crypto.createHmac('sha256', key).update(stringToSign).digest('hex');
      const expected = `TC3-HMAC-SHA256 Credential=${secretId}/${date}/sms/tc3_request, SignedHeaders=content-type;host, Signature=${signature}`;
      const ok =
        req.headers.authorization === expected &&
        req.headers['x-tc-action'] === 'SendSms' &&
        req.headers['x-tc-version'] === '2021-01-11';
      if (!ok) {
        state.rejected++;
        send(res, 200, {
          Response: { Error: { Code: 'AuthFailure.SignatureFailure', Message: 'bad signature' }, RequestId: 'r' },
        });
        return;
      }
      const body = JSON.parse(raw) as Record<string, unknown>;
      state.accepted.push(body);
      const answer = state.script.shift() ?? state.fallback;
      if (answer.error !== undefined) {
        send(res, 200, { Response: { Error: { Code: answer.error, Message: 'refused' }, RequestId: 'r' } });
        return;
      }
      send(res, 200, {
        Response: {
          SendStatusSet: [
            {
              SerialNo: `serial-${state.accepted.length}`,
              PhoneNumber: (body.PhoneNumberSet as string[])[0],
              Fee: 1,
              SessionContext: body.SessionContext,
              Code: answer.status ?? 'Ok',
              Message: 'send success',
              IsoCode: 'CN',
            },
          ],
          RequestId: crypto.randomUUID(),
        },
      });
    });
  });
  state.url = server.url;
  state.close = server.close;
  return state;
}

export type WechatAnswer = { errcode: number };

/** WeChat: GET /cgi-bin/token (appid + secret → access_token) and POST /cgi-bin/message/subscribe/send. */
export async function startWechatServer(
  appId: string,
  appSecret: string,
): Promise<ProviderServer<WechatAnswer> & { tokensIssued: number; expireTokens(): void }> {
  const valid = new Set<string>();
  const state = {
    url: '',
    accepted: [] as Record<string, unknown>[],
    rejected: 0,
    script: [] as WechatAnswer[],
    fallback: { errcode: 0 },
    tokensIssued: 0,
    expireTokens: () => valid.clear(),
    close: () => Promise.resolve(),
  };
  const server = await listen((req, res) => {
    void readBody(req).then((raw) => {
      const url = new URL(req.url ?? '/', 'http://local');
      if (req.method === 'GET' && url.pathname === '/cgi-bin/token') {
        if (url.searchParams.get('appid') !== appId || url.searchParams.get('secret') !== appSecret) {
          state.rejected++;
          send(res, 200, { errcode: 40125, errmsg: 'invalid appsecret' });
          return;
        }
        const token = `token-${++state.tokensIssued}`;
        valid.add(token);
        send(res, 200, { access_token: token, expires_in: 7200 });
        return;
      }
      if (req.method === 'POST' && url.pathname === '/cgi-bin/message/subscribe/send') {
        if (!valid.has(url.searchParams.get('access_token') ?? '')) {
          send(res, 200, { errcode: 42001, errmsg: 'access_token expired' });
          return;
        }
        const body = JSON.parse(raw) as Record<string, unknown>;
        state.accepted.push(body);
        const answer = state.script.shift() ?? state.fallback;
        send(res, 200, {
          errcode: answer.errcode,
          errmsg: answer.errcode === 0 ? 'ok' : 'refused',
          msgid: 1000 + state.accepted.length,
        });
        return;
      }
      send(res, 404, { errcode: 404, errmsg: 'not found' });
    });
  });
  state.url = server.url;
  state.close = server.close;
  return state;
}
