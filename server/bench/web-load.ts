import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { report } from './util.ts';

const REPO = path.resolve(import.meta.dirname, '../..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const PASSWORD = 'Tianzige@2026';

/** The slow link: 1.6 Mbps down, 750 kbps up, 150 ms round trip. */
const SLOW_3G = { offline: false, latency: 150, downloadThroughput: 200_000, uploadThroughput: 93_750 };

/** The phone pages measured, who opens each, and what shows that it is there. */
const PAGES = [
  { path: '/m/cases', username: 'yingmentan_jm', who: 'a resident', ready: '[data-testid="my-cases"]' },
  { path: '/m/field', username: 'yingmentan_wg1', who: 'a grid worker', ready: '[data-testid="today-list"]' },
] as const;

interface Load {
  /** navigation start → the page's named element visible, in ms */
  shown: number;
  /**
   * when the page answers input: shown, plus the time from a tap on 中文/EN (as the page received it,
   * right after it showed) until the title is re-rendered in English
   */
  interactive: number;
  /** bytes on the wire until then (headers and bodies, compressed as sent) */
  bytes: number;
  requests: number;
}

/**
 * The phone's first load over a slow 3G link (issue 20, "Performance": ≤ 4 s to interactive for
 * /m/cases and /m/field). The built web app and the real server with demo data; Chromium on a
 * phone-sized screen with a cold cache, the link throttled through CDP, signed in by the API (her
 * session cookie set before the page opens). Each page is timed from navigation start until its named
 * element shows and a tap on the language switch re-renders the title, several times, the median
 * taken; beside it the same built files served by a bare node:http server (precompressed copies
 * sent the same way, the API passed through to the same server) over the same link.
 *
 * `--web-repo DIR` measures another checkout (a `git worktree` of an older commit, built), for a
 * before/after figure; `--web-runs N` sets the runs (5).
 */
export async function benchWebLoad(options: { repo?: string; runs?: number } = {}) {
  if (!fs.existsSync(CHROMIUM)) {
    console.log(`SKIP  web load: ${CHROMIUM} is missing (apt-get install -y chromium)`);
    return;
  }
  const repo = options.repo ?? REPO;
  const runs = options.runs ?? 5;
  const dist = path.join(repo, 'web', 'dist');
  if (!fs.existsSync(path.join(dist, 'index.html'))) await run('npm', ['run', 'build', '-w', 'web'], repo);

  const server = await startServer(repo);
  const bare = await startBareServer(dist, server.port);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  try {
    for (const page of PAGES) {
      const cookies = await signIn(server.baseUrl, page.username);
      const platform: Load[] = [];
      const baseline: Load[] = [];
      // in turns, so both meet the machine in the same moments
      for (let i = 0; i < runs; i++) {
        platform.push(await firstLoad(browser, server.baseUrl, page, cookies));
        baseline.push(await firstLoad(browser, bare.baseUrl, page, cookies));
      }
      const p = medianLoad(platform);
      const b = medianLoad(baseline);
      const label = repo === REPO ? '' : ` [${path.basename(repo)}]`;
      report({
        scenario: `${page.path} first load by ${page.who} over slow 3G (1.6 Mbps, 150 ms), cold cache, Chromium, median of ${runs}${label}`,
        engine: 'sqlite',
        figure: 'navigation start → interactive',
        platform: `${fmtS(p.interactive)} (shown ${fmtS(p.shown)}; ${fmtKB(p.bytes)} in ${p.requests} requests)`,
        baseline: `${fmtS(b.interactive)} (shown ${fmtS(b.shown)}; ${fmtKB(b.bytes)} in ${b.requests} requests; bare node:http)`,
        target: '≤ 4 s',
        isMet: p.interactive <= 4000,
        platformValue: p.interactive,
        baselineValue: b.interactive,
      });
    }
  } finally {
    await browser.close();
    await bare.stop();
    await server.stop();
  }
}

/** What the functions run in the page use of it (the server's TypeScript has no DOM types). */
interface InPage {
  document: {
    querySelector(selector: string): { offsetParent: unknown; textContent: string | null } | null;
    addEventListener(type: string, listener: () => void, capture: boolean): void;
  };
  tzTapAt?: number;
}

type Cookie = Parameters<BrowserContext['addCookies']>[0][number];

async function signIn(baseUrl: string, username: string): Promise<Cookie[]> {
  const response = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  if (!response.ok) throw new Error(`sign-in of ${username}: ${response.status} ${await response.text()}`);
  // cookies belong to the host, not the port: the bare server on another port gets them too
  return response.headers.getSetCookie().map((line) => {
    const [pair] = line.split(';');
    const at = pair!.indexOf('=');
    return { name: pair!.slice(0, at), value: pair!.slice(at + 1), domain: '127.0.0.1', path: '/' };
  });
}

async function firstLoad(
  browser: Browser,
  baseUrl: string,
  target: (typeof PAGES)[number],
  cookies: Cookie[],
): Promise<Load> {
  // a new context: nothing cached, no service worker
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    locale: 'zh-CN',
  });
  try {
    await context.addCookies(cookies);
    const page = await context.newPage();
    await page.addInitScript(() => {
      const inPage = globalThis as unknown as InPage;
      inPage.document.addEventListener('pointerdown', () => (inPage.tzTapAt ??= performance.now()), true);
    });
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', SLOW_3G);
    let bytes = 0;
    let requests = 0;
    let isCounting = true;
    const started = new Map<string, { url: string; at: number }>();
    const timeline: string[] = [];
    cdp.on('Network.requestWillBeSent', (event: { requestId: string; request: { url: string }; timestamp: number }) =>
      started.set(event.requestId, { url: event.request.url, at: event.timestamp }),
    );
    cdp.on('Network.loadingFinished', (event: { requestId: string; encodedDataLength: number; timestamp: number }) => {
      if (!isCounting) return;
      bytes += event.encodedDataLength;
      requests += 1;
      const request = started.get(event.requestId);
      if (request !== undefined)
        timeline.push(
          `${request.at.toFixed(3)}→${event.timestamp.toFixed(3)} ${Math.round(event.encodedDataLength / 1024)} KB ${new URL(request.url).pathname}`,
        );
    });
    await page.goto(`${baseUrl}${target.path}`, { waitUntil: 'commit', timeout: 60_000 });
    const shown = await page
      .waitForFunction(
        (selector) => {
          const element = (globalThis as unknown as InPage).document.querySelector(selector);
          return element !== null && element.offsetParent !== null ? performance.now() : false;
        },
        target.ready,
        { polling: 'raf', timeout: 60_000 },
      )
      .then((handle) => handle.jsonValue() as Promise<number>);
    await page.getByText('EN', { exact: true }).first().click({ timeout: 60_000 });
    const answered = await page
      .waitForFunction(
        () => {
          const title = (globalThis as unknown as InPage).document.querySelector('[data-testid="phone-title"]');
          const text = title?.textContent ?? '';
          return text !== '' && !/[\u4e00-\u9fff]/.test(text) ? performance.now() : false;
        },
        undefined,
        { polling: 'raf', timeout: 60_000 },
      )
      .then((handle) => handle.jsonValue() as Promise<number>);
    // the tap as the page received it (what the test driver spends before it is not the page's time)
    const tapped = await page.evaluate(() => (globalThis as unknown as InPage).tzTapAt ?? NaN);
    const interactive = shown + (answered - tapped);
    isCounting = false;
    // TIANZIGE_BENCH_TRACE=1 prints each request's start, end and size: where the time of a load goes
    if (process.env.TIANZIGE_BENCH_TRACE === '1')
      console.log(`${baseUrl}${target.path}\n  ${timeline.sort().join('\n  ')}`);
    return { shown, interactive, bytes, requests };
  } finally {
    await context.close();
  }
}

function medianLoad(loads: Load[]): Load {
  const sorted = [...loads].sort((a, b) => a.interactive - b.interactive);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const fmtS = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const fmtKB = (bytes: number) => `${Math.round(bytes / 1024)} KB`;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** The real server of `repo` with its demo data, on a free port, in a fresh data directory. */
async function startServer(repo: string) {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tz-bench-web-'));
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), TIANZIGE_DATA_DIR: dataDir, TIANZIGE_DEMO: '1' };
  delete env.TIANZIGE_DATABASE_URL;
  delete env.TIANZIGE_ADMIN_PASSWORD;
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: path.join(repo, 'server'),
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 300_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode}:\n${output.slice(-2000)}`);
    if (Date.now() > deadline) throw new Error(`server did not become healthy:\n${output.slice(-2000)}`);
    const isUp = await fetch(`${baseUrl}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (isUp) break;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  return {
    port,
    baseUrl,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/**
 * The bare baseline: node:http serving the same built files as the platform does — the brotli or gzip
 * copy the browser accepts, hashed assets for a year, each app's page for its paths — with /api/ passed
 * through to the platform's server (the page needs its data; that work is the same on both sides).
 */
async function startBareServer(dist: string, apiPort: number) {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://bare');
    if (url.pathname.startsWith('/api/')) {
      const upstream = http.request(
        { host: '127.0.0.1', port: apiPort, path: req.url, method: req.method, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => res.writeHead(502).end());
      req.pipe(upstream);
      return;
    }
    let file = path.join(dist, path.normalize(decodeURIComponent(url.pathname)));
    const isFile = file.startsWith(dist) && fs.existsSync(file) && fs.statSync(file).isFile();
    if (!isFile) {
      const prefix = url.pathname.split('/')[1];
      const page = prefix === 'm' ? 'm.html' : prefix === 'p' ? 'p.html' : 'index.html';
      file = path.join(dist, fs.existsSync(path.join(dist, page)) ? page : 'index.html');
    }
    const accepted = req.headers['accept-encoding'] ?? '';
    const encoding = ['br', 'gzip'].find(
      (name) => accepted.includes(name) && fs.existsSync(`${file}.${name === 'br' ? 'br' : 'gz'}`),
    );
    const headers: http.OutgoingHttpHeaders = {
      'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
      'cache-control': file.includes(`${path.sep}assets${path.sep}`)
        ? 'public, max-age=31536000, immutable'
        : 'no-cache',
      vary: 'accept-encoding',
    };
    if (encoding !== undefined) headers['content-encoding'] = encoding;
    res.writeHead(200, headers);
    fs.createReadStream(encoding === undefined ? file : `${file}.${encoding === 'br' ? 'br' : 'gz'}`).pipe(res);
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function run(command: string, args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${command} exited ${code}:\n${out.slice(-2000)}`)),
    );
  });
}
