import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { submitReport, suggestedCodes } from './case-steps';
import { consoleOf, launchBrowser } from './console';
import { deskContext, phoneContext } from './fixtures';
import { startServer, type RunningServer } from './server';

const DEMO_PASSWORD = 'Tianzige@2026';
const SOON = { timeout: 15_000, interval: 100 };
const AT_YINGMENTAN = { longitude: 103.7208, latitude: 36.1016 };

describe('说出来，不用选: a resident describes the problem and the category is suggested from her words', () => {
  let server: RunningServer;
  let browser: Browser;
  let phone: BrowserContext;
  let desk: BrowserContext | undefined;

  beforeAll(async () => {
    server = await startServer({ demo: true });
    browser = await launchBrowser();
    phone = await phoneContext(browser, AT_YINGMENTAN);
  });

  afterAll(async () => {
    await desk?.close();
    await phone?.close();
    await browser?.close();
    await server?.stop();
  });

  it('suggests 邻居生活噪声扰民 for furniture dragged upstairs at night, chooses it, and she submits without opening the list', async () => {
    const page = await phone.newPage();
    page.setDefaultTimeout(15_000);
    const ui = consoleOf(page);
    onTestFailed(() => ui.screenshot('suggest-phone-failure'));
    await page.goto(`${server.baseUrl}/`);
    await ui.signIn('yingmentan_jm', DEMO_PASSWORD);
    await page.waitForURL('**/m/cases');
    await page.getByRole('link', { name: '我要反映' }).click();
    await page.getByTestId('report-form').waitFor();

    await page.getByLabel('问题描述').fill('孩子明年上小学，没有本地户口怎么办');
    await expect.poll(() => suggestedCodes(page), SOON).toContain('JY-001*');
    // she writes something else: the suggestion follows her words while she has not picked herself
    await page.getByLabel('问题描述').fill('楼上每天夜里拖动家具');
    await expect.poll(() => suggestedCodes(page), SOON).toContain('LL-002*');
    expect(await page.getByTestId('category-chosen').innerText()).toBe('邻居生活噪声扰民');
    expect((await suggestedCodes(page)).length).toBeLessThanOrEqual(3);
    await ui.screenshot('suggest-01-phone-suggested');

    await page.getByTestId('use-location').click();
    await page.getByTestId('pinned').waitFor();
    const id = await submitReport(page);
    expect(id).toBeDefined();
    const mine = await page.request.get(`${server.baseUrl}/api/v1/my/cases/${id}`);
    expect(await mine.json()).toMatchObject({ dutyName: '邻居生活噪声扰民' });
  });

  it('keeps the item she picks herself, whatever she writes afterwards', async () => {
    const page = await phone.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${server.baseUrl}/m/cases/new`);
    await page.getByTestId('report-form').waitFor();
    await page.getByLabel('问题描述').fill('楼上天天漏水');
    await expect.poll(() => suggestedCodes(page), SOON).toContain('LL-003*');
    const other = (await suggestedCodes(page)).find((c) => !c.endsWith('*'));
    expect(other).toBeDefined();
    const otherTag = page.locator(`[data-testid=category-suggestion][data-code="${other}"]`);
    const otherName = await otherTag.innerText();
    await otherTag.click();
    await expect.poll(() => suggestedCodes(page), SOON).toContain(`${other}*`);
    const more = '楼上天天漏水，墙都泡了';
    await page.getByLabel('问题描述').fill(more);
    await page.locator(`[data-testid=category-suggestions][data-query="${more}"]`).waitFor();
    expect(await page.getByTestId('category-chosen').innerText()).toBe(otherName);
  });

  it('offers staff at intake the likeliest items under the description; a tap fills the item field', async () => {
    desk = await deskContext(browser);
    const page = await desk.newPage();
    page.setDefaultTimeout(15_000);
    const ui = consoleOf(page);
    onTestFailed(() => ui.screenshot('suggest-desk-failure'));
    await page.goto(`${server.baseUrl}/`);
    await ui.signIn('yingmentan_sj', DEMO_PASSWORD);
    // signed in once the console's menu is drawn; then to the case list
    await page.getByRole('menuitem').first().waitFor();
    await page.goto(`${server.baseUrl}/cases`);
    await page.getByTestId('intake-open').click();
    await page.getByTestId('intake-form').waitFor();
    await page.getByLabel('描述', { exact: true }).fill('来电说孩子上学的事，外地户口报不上名');
    const jy = page.locator('[data-testid=intake-suggestion][data-code="JY-001"]');
    await jy.waitFor();
    expect(await page.getByTestId('intake-duty').innerText()).not.toContain('入学');
    await jy.click();
    await expect.poll(() => page.getByTestId('intake-duty').innerText(), SOON).toContain('入学');
  });
});
