import type { APIRequestContext, Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { consoleOf, launchBrowser } from './console';
import { deskContext, phoneContext } from './fixtures';
import { startServer, type RunningServer } from './server';

const DEMO_PASSWORD = 'Tianzige@2026';
const SOON = { timeout: 20_000, interval: 100 };
/** Inside 砂岗村 (lng 103.9405–103.9605, lat 36.3205–36.3355). */
const IN_SHAGANG = { longitude: 103.95, latitude: 36.328 };

/** 砂岗村's secretary through the API: what the server holds, independent of the phone. */
async function villageApi(request: APIRequestContext, baseUrl: string) {
  const login = await request.post(`${baseUrl}/api/v1/auth/login`, {
    data: { username: 'shagang_sj', password: DEMO_PASSWORD },
  });
  if (!login.ok()) throw new Error(`secretary sign-in: ${login.status()}`);
  const get = async <T>(url: string): Promise<T> => {
    const response = await request.get(`${baseUrl}${url}`);
    if (!response.ok()) throw new Error(`GET ${url}: ${response.status()} ${await response.text()}`);
    return (await response.json()) as T;
  };
  const me = await get<{ user: { assignments: { orgId: string; orgName: string }[] } }>('/api/v1/auth/me');
  const villageId = me.user.assignments[0]!.orgId;
  return {
    villageId,
    /** the households linked (any kind) to the user named */
    async linkedTo(userName: string) {
      const page = await get<{ items: { householdId: string; userName: string; kind: string }[] }>(
        `/api/v1/orgs/${villageId}/linkages?pageSize=500`,
      );
      return page.items.filter((l) => l.userName === userName);
    },
    coverage: () =>
      get<{ visitedThisMonth: number; workers: { name: string }[] }>(`/api/v1/orgs/${villageId}/coverage`),
  };
}

describe('一亲三心: a 民政局 clerk linked to three households of 砂岗村 (返乡走亲) works them on her phone', () => {
  let server: RunningServer;
  let browser: Browser;
  let phone: BrowserContext;
  let desk: BrowserContext;

  beforeAll(async () => {
    server = await startServer({ demo: true });
    browser = await launchBrowser();
    phone = await phoneContext(browser, IN_SHAGANG);
    desk = await deskContext(browser);
  });

  afterAll(async () => {
    await phone?.close();
    await desk?.close();
    await browser?.close();
    await server?.stop();
  });

  it('sees exactly her three households, members masked, and her visit counts in 砂岗村’s coverage', async () => {
    const page = await phone.newPage();
    page.setDefaultTimeout(20_000);
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const ui = consoleOf(page);
    onTestFailed(() => ui.screenshot('linked-visits-failure'));
    const village = await villageApi(desk.request, server.baseUrl);
    const mine = await village.linkedTo('安宁区民政局工作人员');
    expect(mine.map((l) => l.kind)).toEqual(['fanxiang_zouqin', 'fanxiang_zouqin', 'fanxiang_zouqin']);
    const before = await village.coverage();

    // she opens the field app on her phone and signs in with her staff account
    await page.goto(`${server.baseUrl}/m/field`);
    await ui.signIn('anning_mzj', DEMO_PASSWORD);
    await page.waitForURL('**/m/field');
    await page.getByRole('tab', { name: /全部/ }).click();
    const list = page.getByTestId('today-list');
    await expect.poll(async () => Number(await list.getAttribute('data-count')), SOON).toBe(3);
    const shown = await page
      .getByTestId('field-household')
      .evaluateAll((cards) =>
        cards.map((c) => /\/m\/field\/h\/([0-9a-f-]{36})/.exec(c.getAttribute('href') ?? '')?.[1]),
      );
    expect(shown.sort()).toEqual(mine.map((l) => l.householdId).sort());
    await ui.screenshot('linked-visits-01-her-three-households');

    // she opens one and records a visit, as a grid worker does
    await page.getByTestId('field-household').first().click();
    await page.getByTestId('field-household-detail').waitFor();
    const body = await page.getByTestId('field-household-detail').innerText();
    expect(body).not.toMatch(/1[3-9]\d{9}/); // phones masked
    await page.getByTestId('record-visit').click();
    await page.getByTestId('visit-form').waitFor();
    await page.getByRole('checkbox', { name: '身体健康' }).check();
    await page.getByLabel('走访记录').fill('返乡走亲：老人身体尚可，子女在外务工，已留联系方式');
    await page.getByTestId('visit-save').click();
    await page.getByTestId('field-visits').getByTestId('op-state').first().waitFor();
    await ui.screenshot('linked-visits-02-visit-recorded');

    await expect
      .poll(async () => (await village.coverage()).visitedThisMonth, { timeout: 30_000, interval: 500 })
      .toBe(before.visitedThisMonth + 1);
    expect(errors).toEqual([]);
  });
});
