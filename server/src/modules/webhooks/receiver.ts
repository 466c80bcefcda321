import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a test receiver took: its headers and the raw body, exactly as sent. */
export interface ReceivedRequest {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * A local webhook receiver for tests (node:http): `/ok` answers 200, `/fail` 500, `/hang` never
 * answers, `/drop` closes the connection without a word, `/hold` answers once `release()` is called.
 * `waitForHeld()` resolves when a request reaches `/hold`.
 */
export async function startReceiver() {
  const received: ReceivedRequest[] = [];
  const hanging = new Set<http.ServerResponse>();
  let release: () => void = () => undefined;
  let held: Promise<void> = Promise.resolve();
  let onHeld: () => void = () => undefined;
  const armHold = () => {
    held = new Promise((resolve) => (onHeld = resolve));
  };
  armHold();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      received.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      switch (path) {
        case '/ok':
          res.writeHead(200).end('ok');
          return;
        case '/fail':
          res.writeHead(500).end('receiver broke');
          return;
        case '/drop':
          req.socket.destroy();
          return;
        case '/hold':
          release = () => res.writeHead(204).end();
          onHeld();
          return;
        default:
          hanging.add(res);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    received,
    waitForHeld: () => held,
    release: () => {
      release();
      armHold();
    },
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A URL where nothing listens: a port taken and given back at once. */
export async function closedPortUrl(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/gone`;
}
