import fs from 'node:fs';
import path from 'node:path';
import type { APIRequestContext, Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { consoleOf, launchBrowser } from './console';
import { deskContext, phoneContext, writePhoto } from './fixtures';
import { startServer, type RunningServer } from './server';

const DEMO_PASSWORD = 'Tianzige@2026';
const SOON = { timeout: 20_000, interval: 100 };
/** Inside 营门滩社区's first grid (lng 103.7165–103.71875, lat 36.0985–36.1045). */
const IN_GRID_1 = { longitude: 103.7175, latitude: 36.1012 };

interface Visit {
  id: string;
  householdId: string;
  caseIds: string[];
  photos: { id: string }[];
  findings: { topic: string }[];
}

/** The API as the community secretary: what the server holds, independent of the phone. */
async function staffApi(request: APIRequestContext, baseUrl: string) {
  const login = await request.post(`${baseUrl}/api/v1/auth/login`, {
    data: { username: 'yingmentan_sj', password: DEMO_PASSWORD },
  });
  if (!login.ok()) throw new Error(`secretary sign-in: ${login.status()}`);
  const get = async <T>(url: string): Promise<T> => {
    const response = await request.get(`${baseUrl}${url}`);
    if (!response.ok()) throw new Error(`GET ${url}: ${response.status()} ${await response.text()}`);
    return (await response.json()) as T;
  };
  return {
    get,
    /** every visit recorded to any of these households */
    async visitsTo(householdIds: string[]): Promise<Visit[]> {
      const lists = await Promise.all(
        householdIds.map((id) => get<{ items: Visit[] }>(`/api/v1/households/${id}/visits`)),
      );
      return lists.flatMap((l) => l.items);
    },
    async caseTotal(): Promise<number> {
      return (await get<{ total: number }>('/api/v1/cases?queue=all&pageSize=1')).total;
    },
  };
}

/** The grid worker's phone app, named after what she does. */
function fieldOf(page: Page) {
  const bar = page.getByTestId('sync-bar');
  return {
    bar,
    pending: async () => Number(await bar.getAttribute('data-pending')),

    /** Opens the first household still to visit and records a visit to it; returns its id. */
    async recordVisit(options: {
      note: string;
      topics: string[];
      photo?: string;
      caseDescription?: string;
      screenshot?: string;
    }) {
      await page.getByTestId('tab-today').click();
      const card = page.locator('[data-testid=field-household]:not([data-standing=visited])').first();
      await card.waitFor();
      await card.click();
      await page.getByTestId('field-household-detail').waitFor();
      const id = /\/m\/field\/h\/([0-9a-f-]{36})$/.exec(page.url())?.[1];
      if (id === undefined) throw new Error(`not on a household page: ${page.url()}`);
      await page.getByTestId('record-visit').click();
      await page.getByTestId('visit-form').waitFor();
      for (const topic of options.topics) await page.getByRole('checkbox', { name: topic }).check();
      await page.getByLabel('走访记录').fill(options.note);
      if (options.photo !== undefined) {
        await page.getByTestId('photo-input').setInputFiles(options.photo);
        await page.getByTestId('photo-thumb').waitFor();
      }
      if (options.caseDescription !== undefined) {
        await page.getByTestId('opens-case').click();
        await page.getByTestId('case-description').fill(options.caseDescription);
      }
      if (options.screenshot !== undefined) {
        await page.getByTestId('opens-case').scrollIntoViewIfNeeded();
        await page.screenshot({ path: options.screenshot });
      }
      await page.getByTestId('visit-save').click();
      await page.waitForURL(`**/m/field/h/${id}`);
      await page.getByTestId('field-visits').getByTestId('op-state').first().waitFor();
      return id;
    },
  };
}

describe('field work: a grid worker of 营门滩社区 visits households offline and the queue syncs once', () => {
  let server: RunningServer;
  let browser: Browser;
  let phone: BrowserContext;
  let desk: BrowserContext;
  let photo: string;

  beforeAll(async () => {
    server = await startServer({ demo: true });
    browser = await launchBrowser();
    phone = await phoneContext(browser, IN_GRID_1);
    desk = await deskContext(browser);
    photo = writePhoto('楼道杂物.png');
  });

  afterAll(async () => {
    await phone?.close();
    await desk?.close();
    await browser?.close();
    await server?.stop();
    if (photo !== undefined) fs.rmSync(path.dirname(photo), { recursive: true, force: true });
  });

  it('records three visits with the network off, one opening a case; back online they sync; sending again adds nothing', async () => {
    const pageErrors: string[] = [];
    const page = await phone.newPage();
    page.setDefaultTimeout(20_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    const ui = consoleOf(page);
    onTestFailed(() => ui.screenshot('fieldwork-phone-failure'));
    const field = fieldOf(page);
    const staff = await staffApi(desk.request, server.baseUrl);
    const casesBefore = await staff.caseTotal();

    // She signs in on her phone and lands on today's list, read from the cache the phone keeps.
    await page.goto(`${server.baseUrl}/`);
    await ui.signIn('yingmentan_wg1', DEMO_PASSWORD);
    await page.waitForURL('**/m/field');
    const list = page.getByTestId('today-list');
    await expect.poll(async () => Number(await list.getAttribute('data-count')), SOON).toBeGreaterThan(3);
    expect(await page.getByRole('menuitem').count()).toBe(0);
    expect(await field.bar.getAttribute('data-online')).toBe('yes');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    // the service worker holds the app shell, so the app opens again with no network
    const worker = () =>
      page.evaluate(async () => (await navigator.serviceWorker.getRegistration('/m/field'))?.active?.state ?? null);
    await expect.poll(worker, SOON).toBe('activated');
    await expect.poll(() => page.evaluate(async () => (await caches.match('/m/field')) !== undefined), SOON).toBe(true);
    await ui.screenshot('fieldwork-01-phone-today');
    const cached = await page.request.get(`${server.baseUrl}/api/v1/my/field-cache`);
    const householdsOfHerGrid = ((await cached.json()) as { households: { id: string }[] }).households.map((h) => h.id);
    expect(householdsOfHerGrid.length).toBeGreaterThan(3);
    // the demo data has visits of its own: count what this story adds
    const earlier = new Set((await staff.visitsTo(householdsOfHerGrid)).map((v) => v.id));
    const newVisits = async () => (await staff.visitsTo(householdsOfHerGrid)).filter((v) => !earlier.has(v.id));

    // The network goes: the bar says so.
    await phone.setOffline(true);
    await expect.poll(() => field.bar.getAttribute('data-online'), SOON).toBe('no');

    const first = await field.recordVisit({ note: '老人身体尚可，按时服药', topics: ['身体健康'] });
    await ui.screenshot('fieldwork-02-phone-household');
    const second = await field.recordVisit({
      note: '楼道堆放杂物，已提醒清理',
      topics: ['住房安全', '生活起居'],
      photo,
    });
    const third = await field.recordVisit({
      note: '孩子随父母从外地来兰，今年该上小学，尚未办理入学',
      topics: ['子女入学'],
      caseDescription: '外地来兰务工家庭孩子无本地户口，今年九月需入学，请协调办理',
      screenshot: path.join(import.meta.dirname, 'screenshots', 'fieldwork-03-phone-visit-form.png'),
    });
    expect(new Set([first, second, third]).size).toBe(3);
    await expect.poll(() => field.pending(), SOON).toBe(3);
    expect(await page.getByTestId('sync-pending').innerText()).toBe('待同步 3 条');
    await ui.screenshot('fieldwork-04-phone-pending');

    // Still offline, the app reloads from the service worker and the queue is still on the phone.
    await page.reload();
    await field.bar.waitFor();
    await expect.poll(() => field.pending(), SOON).toBe(3);
    expect(await newVisits()).toEqual([]);

    // The network returns: the queue empties by itself.
    await phone.setOffline(false);
    await expect.poll(() => field.bar.getAttribute('data-online'), SOON).toBe('yes');
    await expect.poll(() => field.pending(), SOON).toBe(0);
    await page.getByTestId('tab-sync').click();
    await expect.poll(() => page.getByTestId('case-number').count(), SOON).toBe(1);
    await ui.screenshot('fieldwork-05-phone-synced');

    // The server holds exactly three visits (one with its photo) and one case more, linked to the third.
    const check = async () => {
      const visits = await newVisits();
      expect(visits.map((v) => v.householdId).sort()).toEqual([first, second, third].sort());
      expect(visits.flatMap((v) => v.photos)).toHaveLength(1);
      const caseIds = visits.flatMap((v) => v.caseIds);
      expect(caseIds).toHaveLength(1);
      expect(visits.find((v) => v.householdId === third)?.caseIds).toEqual(caseIds);
      expect(await staff.caseTotal()).toBe(casesBefore + 1);
    };
    await check();

    // Sending again adds nothing: the phone forgets it was acknowledged (as after a crash mid-sync),
    // sends the whole queue again, and the server answers each op as a duplicate.
    await page.evaluate(
      () =>
        new Promise<void>((resolve, reject) => {
          const open = indexedDB.open('tianzige-field');
          open.onsuccess = () => {
            const tx = open.result.transaction('ops', 'readwrite');
            const store = tx.objectStore('ops');
            const all = store.getAll();
            all.onsuccess = () => {
              for (const op of all.result as { state: string; syncedAt: string | null }[]) {
                store.put({ ...op, state: 'pending', syncedAt: null });
              }
            };
            tx.oncomplete = () => {
              open.result.close();
              resolve();
            };
            tx.onerror = () => reject(new Error(String(tx.error)));
          };
          open.onerror = () => reject(new Error(String(open.error)));
        }),
    );
    const replayed = page.waitForResponse((r) => r.url().endsWith('/api/v1/sync/batch'));
    await page.reload();
    const answer = (await (await replayed).json()) as { results: { status: string }[] };
    expect(answer.results.map((r) => r.status)).toEqual(['duplicate', 'duplicate', 'duplicate']);
    await expect.poll(() => field.pending(), SOON).toBe(0);
    await page.getByTestId('sync-now').waitFor();
    await check();
    await page.reload();
    await expect.poll(() => field.pending(), SOON).toBe(0);
    await check();

    // Her today list shows the three as visited today.
    await page.getByTestId('tab-today').click();
    await page.getByRole('tab', { name: /已走访/ }).click();
    for (const id of [first, second, third]) {
      await page.locator(`[data-testid=field-household][data-standing=visited][href="/m/field/h/${id}"]`).waitFor();
    }
    await ui.screenshot('fieldwork-06-phone-visited');
    expect(pageErrors).toEqual([]);
  });

  it('shows the secretary the coverage of her community and its grids, and the households nobody is linked to', async () => {
    const pageErrors: string[] = [];
    const page = await desk.newPage();
    page.setDefaultTimeout(20_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    const ui = consoleOf(page);
    onTestFailed(() => ui.screenshot('fieldwork-desk-failure'));

    // (signed in by the first story's API calls on this context)
    await page.goto(`${server.baseUrl}/fieldwork/coverage`);
    const totals = page.getByTestId('coverage-totals');
    await totals.waitFor();
    const children = page.getByTestId('coverage-children');
    await children.getByText('第1网格').waitFor();
    expect(await page.getByTestId('coverage-workers').innerText()).toContain('营门滩社区第1网格网格员');
    await ui.screenshot('fieldwork-07-desk-coverage');

    // Into the first grid: its households and its worker.
    await children.getByText('第1网格').click();
    await expect.poll(() => page.locator('.ant-breadcrumb').innerText(), SOON).toContain('第1网格');
    await ui.screenshot('fieldwork-08-desk-coverage-grid');

    // Households nobody is linked to are listed as gaps.
    await ui.openSection('联户管理');
    await page.getByRole('tab', { name: '未联户住户' }).click();
    await expect
      .poll(() => page.getByTestId('gap-table').locator('tbody tr.ant-table-row').count(), SOON)
      .toBeGreaterThan(0);
    await ui.screenshot('fieldwork-09-desk-gaps');
    expect(pageErrors).toEqual([]);
  });
});
