/*
 * The field app's service worker (registered by web/src/mobile/field/shell.ts with scope /m/field).
 * It keeps the app shell so that /m/field opens with no network after one visit:
 *   - pages (navigations): network first, with a short timeout, falling back to the saved shell;
 *   - /assets/* (hashed, never change): cache first, saved as they are fetched;
 *   - the manifest and icons: cache first;
 *   - /api/*: never cached here (the app keeps its data in IndexedDB and queues its writes).
 * On install it saves the shell (the phone app's page, m.html, which the server sends for /m/field) and
 * every file the field app needs: those the page names and those the build lists in field-assets.json
 * (the field app is its own chunk, fetched before this worker runs), so the first offline start works.
 */
const VERSION = 'tz-field-v2';
const ASSET_LIST = '/field-assets.json';
const SHELL = '/m/field';
const STATIC = ['/field/manifest.webmanifest', '/field/icon-192.png', '/field/icon-512.png'];
const NETWORK_TIMEOUT_MS = 4000;

const assetsNamedIn = (html) => [...new Set([...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]))];

async function listedAssets() {
  try {
    const response = await fetch(ASSET_LIST, { cache: 'no-store' });
    return response.ok ? await response.json() : [];
  } catch {
    return [];
  }
}

async function saveShell(cache, response) {
  await cache.put(SHELL, response.clone());
  const assets = [...new Set([...assetsNamedIn(await response.text()), ...(await listedAssets())])];
  await Promise.all(
    assets.map(async (url) => {
      if ((await cache.match(url, { ignoreVary: true })) === undefined) await cache.add(url);
    }),
  );
}

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(VERSION);
      await saveShell(cache, await fetch(SHELL, { cache: 'no-store' }));
      await cache.addAll(STATIC);
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) if (name !== VERSION) await caches.delete(name);
      await self.clients.claim();
    })(),
  );
});

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timeout')), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

async function page(request) {
  const cache = await caches.open(VERSION);
  try {
    const response = await withTimeout(fetch(request), NETWORK_TIMEOUT_MS);
    if (response.ok && (response.headers.get('content-type') ?? '').includes('text/html')) {
      // a new build: keep its shell and assets for the next offline start
      await saveShell(cache, response.clone()).catch(() => undefined);
    }
    return response;
  } catch {
    return (await cache.match(SHELL, { ignoreVary: true })) ?? Response.error();
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(VERSION);
  const hit = await cache.match(request, { ignoreVary: true });
  if (hit !== undefined) return hit;
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.startsWith('/api/')) return;
  if (request.mode === 'navigate') event.respondWith(page(request));
  else if (url.pathname.startsWith('/assets/') || STATIC.includes(url.pathname)) event.respondWith(cacheFirst(request));
});
