/**
 * The device-cache figure of issue 5: a grid of 500 households opens from the phone's IndexedDB in
 * ≤ 1 s. Starts the real server (demo data), signs a grid worker in on a phone-sized Chromium,
 * puts a 500-household cache on the device, switches the network off and reloads /m/field: the
 * time from navigation start to the first render of the list (the `tz-field-list` mark), beside
 * the bare engine's time to read the same record from IndexedDB.
 *
 *   npm run build -w web && cd server && node --import tsx ../web/src/e2e/field-cache-bench.ts
 */
import { consoleOf, launchBrowser } from './console';
import { startServer } from './server';

const HOUSEHOLDS = 500;
const RUNS = 5;

/** Names the step that failed, for a failure message that says where. */
async function step<T>(name: string, work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    throw new Error(`${name}: ${(error as Error).message.split('\n')[0]}`);
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

const server = await startServer({ demo: true });
const browser = await launchBrowser();
try {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto(`${server.baseUrl}/`);
  await consoleOf(page).signIn('yingmentan_wg1', 'Tianzige@2026');
  await page.waitForURL('**/m/field');
  await page.getByTestId('today-list').waitFor();
  await step(
    'service worker active',
    page.waitForFunction(
      async () => (await navigator.serviceWorker.getRegistration('/m/field'))?.active?.state === 'activated',
    ),
  );

  // her real cache, grown to 500 households, saved where the app keeps it
  await page.evaluate(async (count) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('tianzige-field');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(new Error(String(open.error)));
    });
    const read = db.transaction('caches').objectStore('caches').getAll();
    const [stored] = await new Promise<{ cache: { households: { id: string; address: string }[] } }[]>((resolve) => {
      read.onsuccess = () => resolve(read.result as { cache: { households: { id: string; address: string }[] } }[]);
    });
    if (stored === undefined) throw new Error('no cache on the device');
    const real = stored.cache.households;
    stored.cache.households = Array.from({ length: count }, (_, i) => {
      const h = real[i % real.length]!;
      return { ...h, id: crypto.randomUUID(), address: `${h.address}-${i}` };
    });
    const tx = db.transaction('caches', 'readwrite');
    tx.objectStore('caches').put(stored);
    await new Promise((resolve) => (tx.oncomplete = resolve));
    db.close();
  }, HOUSEHOLDS);

  // once more online, so that the service worker controls the page as it does on her next start
  await page.reload();
  await step(
    'page controlled',
    page.waitForFunction(() => navigator.serviceWorker.controller !== null),
  );
  await context.setOffline(true);
  const app: number[] = [];
  const bare: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    await step('offline reload', page.reload());
    await step(
      'list rendered',
      page.waitForFunction(() => performance.getEntriesByName('tz-field-list').length > 0),
    );
    const all = await page.getByRole('tab', { name: /全部/ }).innerText();
    if (all !== `全部 ${HOUSEHOLDS}`) throw new Error(`the list shows ${all}, not ${HOUSEHOLDS} households`);
    app.push(await page.evaluate(() => performance.getEntriesByName('tz-field-list')[0]?.startTime ?? NaN));
    bare.push(
      await page.evaluate(async () => {
        const started = performance.now();
        const db = await new Promise<IDBDatabase>((resolve) => {
          const open = indexedDB.open('tianzige-field');
          open.onsuccess = () => resolve(open.result);
        });
        await new Promise((resolve) => {
          const read = db.transaction('caches').objectStore('caches').getAll();
          read.onsuccess = resolve;
        });
        db.close();
        return performance.now() - started;
      }),
    );
  }
  console.log(
    `field cache, ${HOUSEHOLDS} households, offline reload → first list render: median ${median(app).toFixed(0)} ms ` +
      `(runs ${app.map((ms) => ms.toFixed(0)).join(', ')}); bare IndexedDB read of the same record: ${median(bare).toFixed(1)} ms`,
  );
  // for `npm run bench`, which runs this script and reports the figure with the others
  console.log(`FIGURE ${JSON.stringify({ app: median(app), bare: median(bare), households: HOUSEHOLDS })}`);
} finally {
  await browser.close();
  await server.stop();
}
