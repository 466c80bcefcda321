import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import path from 'node:path';
import { launchBrowser } from './console';
import { phoneContext } from './fixtures';
import { startServer, type RunningServer } from './server';

const YINGMENTAN = '620105006010';
const SCREENSHOTS = path.join(import.meta.dirname, 'screenshots');

interface PublicPage {
  total: number;
  other: number;
  byItem: { code: string; name: string; count: number }[];
  points: { count: number }[];
  rates: { explained: { key: string; value: number | null }[] };
}

describe('the public page of a community, on a phone, without signing in', () => {
  let server: RunningServer;
  let browser: Browser;
  let context: BrowserContext;

  beforeAll(async () => {
    server = await startServer({ demo: true });
    browser = await launchBrowser();
    context = await phoneContext(browser);
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.stop();
  });

  it('goes from the sign-in page to 营门滩社区 and shows the figures the API gives, in Chinese and English', async () => {
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    onTestFailed(() => page.screenshot({ path: path.join(SCREENSHOTS, 'public-failure.png') }).then(() => undefined));
    const api = (await (await fetch(`${server.baseUrl}/api/v1/public/communities/${YINGMENTAN}`)).json()) as PublicPage;
    expect(api.byItem.length).toBeGreaterThanOrEqual(3);

    await page.goto(`${server.baseUrl}/m/`);
    await page.getByRole('link', { name: '不登录，看看社区本月的诉求办理情况' }).click();
    await page.getByLabel('输入社区名称或代码').fill('营门滩');
    // two communities share the name: the district and street tell them apart
    await page.locator(`a[href="/p/${YINGMENTAN}"]`).filter({ hasText: '银滩路街道' }).click();

    await expect.poll(() => page.getByTestId('public-total').textContent()).toContain(String(api.total));
    await page.getByRole('heading', { name: '营门滩社区' }).waitFor();
    const items = page.getByTestId('public-items');
    for (const item of api.byItem) await items.getByText(item.name, { exact: true }).waitFor();
    expect(await page.getByTestId('public-other').textContent()).toBe(String(api.other));
    // the person items never show: not among the items, not on the page at all
    for (const hidden of ['最低生活保障申请', '独居、空巢老人探访关爱'])
      expect(await items.getByText(hidden).count()).toBe(0);
    // every point of the API is drawn on the map, on the community's grid outlines
    await expect.poll(() => page.locator('.tz-public-point').count()).toBe(api.points.length);
    await page.getByTestId('public-map').getByText('第1网格').waitFor();
    const response = api.rates.explained.find((r) => r.key === 'response')!;
    const shown = response.value === null ? '—' : `${(Math.round(response.value * 1000) / 10).toFixed(1)}%`;
    expect(await page.getByTestId('public-rate-response').textContent()).toContain(shown);
    await page.getByText('在时限内签收的比例').waitFor();
    await page
      .getByRole('button', { name: /环境卫生|公共安全/ })
      .first()
      .click();
    await page
      .getByText(/内签收，.*内办结/)
      .first()
      .waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'public-yingmentan.png'), fullPage: true });

    await page.getByText('EN', { exact: true }).click();
    await page.getByText(/^Cases received this month/).waitFor();
    await page.getByText('Response rate', { exact: true }).waitFor();
    await page.getByRole('heading', { name: 'Duty list' }).waitFor();
    expect(pageErrors).toEqual([]);
  });

  it('says so in the visitor’s language when the community does not exist', async () => {
    const page = await context.newPage();
    await page.goto(`${server.baseUrl}/p/620105006999`);
    await page.getByText('No such community').or(page.getByText('没有这个社区')).waitFor();
    await page
      .getByRole('link', { name: /其他社区|Other communities/ })
      .first()
      .waitFor();
  });
});
