import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { consoleOf, launchBrowser } from './console';
import { deskContext } from './fixtures';
import { startServer, type RunningServer } from './server';

const DEMO_PASSWORD = 'Tianzige@2026';
const SOON = { timeout: 30_000, interval: 250 };

interface Services {
  unit: { id: string; name: string };
  figures: {
    venues: { hoursUsed: number; peopleServed: number };
    canteen: { mealsServed: number; diners: number };
    volunteering: { volunteers: number; pointsEarned: number };
    councils: { meetingsHeld: number };
    notices: { sent: number };
  };
}

/** The API as the signed-in user of `page` (her session cookie and CSRF token). */
function apiOf(page: Page, baseUrl: string) {
  const csrf = async () => (await page.context().cookies(baseUrl)).find((c) => c.name === 'tz_csrf')?.value ?? '';
  return {
    async get<T>(url: string): Promise<T> {
      const response = await page.request.get(`${baseUrl}${url}`);
      if (!response.ok()) throw new Error(`GET ${url}: ${response.status()} ${await response.text()}`);
      return (await response.json()) as T;
    },
    async post<T>(url: string, body: unknown): Promise<T> {
      const response = await page.request.post(`${baseUrl}${url}`, {
        data: body as object,
        headers: { 'x-csrf-token': await csrf() },
      });
      if (!response.ok()) throw new Error(`POST ${url}: ${response.status()} ${await response.text()}`);
      return (await response.json()) as T;
    },
  };
}

/** A figure as the services panel shows it. */
const shown = async (page: Page, key: string) => page.getByTestId(`service-${key}`).getAttribute('data-value');

describe('公共服务 on the dashboard: the demo’s services counted, and a new notice shows within seconds', () => {
  let server: RunningServer;
  let browser: Browser;
  let desk: BrowserContext;

  beforeAll(async () => {
    server = await startServer({ demo: true });
    browser = await launchBrowser();
    desk = await deskContext(browser);
  }, 300_000);

  afterAll(async () => {
    await desk?.close();
    await browser?.close();
    await server?.stop();
  });

  it('shows 营门滩社区’s rooms, canteen, volunteering, councils and notices as the API counts them', async () => {
    const page = await desk.newPage();
    page.setDefaultTimeout(30_000);
    const ui = consoleOf(page);
    onTestFailed(() => ui.screenshot('services-failure'));
    await page.goto(`${server.baseUrl}/`);
    await ui.signIn('yingmentan_sj', DEMO_PASSWORD);
    await ui.openSection('大数据驾驶舱');
    await expect.poll(() => page.getByTestId('insights-unit').innerText(), SOON).toContain('营门滩社区');
    const api = apiOf(page, server.baseUrl);
    const me = await api.get<{ user: { assignments: { orgId: string }[] } }>('/api/v1/auth/me');
    const orgId = me.user.assignments[0]!.orgId;

    const panel = page.getByTestId('insights-services');
    await panel.scrollIntoViewIfNeeded();
    await panel.getByText('阵地与活动').waitFor();
    const before = await api.get<Services>(`/api/v1/insights/${orgId}/services`);
    // the demo's rooms were used and its notices sent: a fresh start counts them
    expect(before.figures.venues.hoursUsed + before.figures.venues.peopleServed).toBeGreaterThan(0);
    await expect.poll(() => shown(page, 'hoursUsed'), SOON).toBe(String(before.figures.venues.hoursUsed));
    expect(await shown(page, 'peopleServed')).toBe(String(before.figures.venues.peopleServed));
    expect(await shown(page, 'volunteers')).toBe(String(before.figures.volunteering.volunteers));
    expect(await shown(page, 'meetingsHeld')).toBe(String(before.figures.councils.meetingsHeld));
    expect(await shown(page, 'sent')).toBe(String(before.figures.notices.sent));
    await ui.screenshot('services-01-community');

    // she sends a notice to the community's households: the panel counts it on its next refresh
    await api.post('/api/v1/notices', {
      orgId,
      title: '关于冬季供暖的通知',
      body: '供暖时间为 11 月 1 日至次年 3 月 31 日。',
      audience: {},
    });
    await expect.poll(() => shown(page, 'sent'), SOON).toBe(String(before.figures.notices.sent + 1));
    await ui.screenshot('services-02-after-notice');
  }, 180_000);
});
