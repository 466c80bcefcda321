import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { handleInConsole } from './case-steps';
import { consoleOf, launchBrowser } from './console';
import { deskContext, phoneContext, writePhoto } from './fixtures';
import { startServer, type RunningServer } from './server';
import { CASE_STATE_LABELS } from '../shared/case-states';

const DEMO_PASSWORD = 'Tianzige@2026';
const SOON = { timeout: 15_000, interval: 100 };
/** A place inside 营门滩社区's outline (lng 103.7165–103.7255, lat 36.0985–36.1045). */
const AT_YINGMENTAN = { longitude: 103.7208, latitude: 36.1016 };

interface Rates {
  received: number;
  rated: number;
  satisfied: number;
  closed: number;
}

/** Reads the API as the signed-in user of `page` (her session cookie): every write in this story goes through the UI. */
function apiOf(page: Page, baseUrl: string) {
  return {
    async get<T>(url: string): Promise<T> {
      const response = await page.request.get(`${baseUrl}${url}`);
      if (!response.ok()) throw new Error(`GET ${url}: ${response.status()} ${await response.text()}`);
      return (await response.json()) as T;
    },
  };
}

/** Today and thirty days back, as Asia/Shanghai calendar days. */
function ratesPeriod(): { from: string; to: string } {
  const day = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);
  return { from: day(Date.now() - 30 * 86_400_000), to: day(Date.now()) };
}

/** The phone pages, named after what the resident does. */
function phoneOf(page: Page) {
  return {
    async reportCase(options: { search: string; code: string; description: string; photo?: string }) {
      await page.getByRole('link', { name: '我要反映' }).click();
      await page.getByTestId('report-form').waitFor();
      await page.getByTestId('category-field').click();
      await page.getByTestId('category-search').fill(options.search);
      // what she typed finds the item among the first few, by its name or keywords
      const results = page.locator(`[data-testid=category-options][data-query="${options.search}"]`);
      const found = results.locator(`[data-testid=category-option][data-code="${options.code}"]`);
      await found.waitFor();
      const firstCodes = await results
        .getByTestId('category-option')
        .evaluateAll((options) => options.slice(0, 3).map((o) => o.getAttribute('data-code')));
      expect(firstCodes).toContain(options.code);
      await found.click();
      await page.getByTestId('category-chosen').waitFor();
      await page.getByLabel('问题描述').fill(options.description);
      if (options.photo !== undefined) {
        await page.getByTestId('photo-input').setInputFiles(options.photo);
        await page.getByTestId('photo-thumb').waitFor();
      }
      await page.getByTestId('use-location').click();
      await page.getByTestId('pinned').waitFor();
    },

    /** Submits; when open cases of the same kind are offered, submits anyway. Returns the new case's id. */
    async submit(): Promise<string> {
      await page.getByTestId('report-submit').click();
      const detail = page.getByTestId('case-detail');
      const duplicates = page.getByTestId('duplicates');
      await detail.or(duplicates).first().waitFor();
      if (await duplicates.isVisible()) {
        await expect.poll(() => duplicates.getByTestId('duplicate').count(), SOON).toBeGreaterThan(0);
        expect(await duplicates.innerText()).toContain('附近已有相同诉求');
        await duplicates.getByTestId('submit-anyway').click();
        await detail.waitFor();
      }
      const id = /\/m\/cases\/([0-9a-f-]{36})$/.exec(page.url())?.[1];
      if (id === undefined) throw new Error(`not on a case page: ${page.url()}`);
      return id;
    },
  };
}

describe('cases: a resident of 营门滩社区 reports from her phone, the community handles it, she rates it', () => {
  let server: RunningServer;
  let browser: Browser;
  let phone: BrowserContext;
  let desk: BrowserContext;
  let photo: string;
  let residentPage: Page;
  let secretaryPage: Page;

  beforeAll(async () => {
    server = await startServer({ demo: true });
    browser = await launchBrowser();
    phone = await phoneContext(browser, AT_YINGMENTAN);
    desk = await deskContext(browser);
    photo = writePhoto('楼上噪声.png');
  });

  afterAll(async () => {
    await phone?.close();
    await desk?.close();
    await browser?.close();
    await server?.stop();
    if (photo !== undefined) fs.rmSync(path.dirname(photo), { recursive: true, force: true });
  });

  it('reports noise with a photo and a pin; the secretary accepts and resolves it; a 5-star rating moves the three rates', async () => {
    const pageErrors: string[] = [];
    secretaryPage = await desk.newPage();
    secretaryPage.setDefaultTimeout(15_000);
    secretaryPage.on('pageerror', (error) => pageErrors.push(`desk: ${error.message}`));
    const secretaryUi = consoleOf(secretaryPage);
    residentPage = await phone.newPage();
    residentPage.setDefaultTimeout(15_000);
    residentPage.on('pageerror', (error) => pageErrors.push(`phone: ${error.message}`));
    const residentUi = consoleOf(residentPage);
    onTestFailed(async () => {
      await residentUi.screenshot('cases-phone-failure');
      await secretaryUi.screenshot('cases-desk-failure');
    });

    // The secretary of 营门滩社区 signs in at her desk; the three rates of her community before.
    await secretaryPage.goto(`${server.baseUrl}/`);
    await secretaryUi.signIn('yingmentan_sj', DEMO_PASSWORD);
    // she lands on her workbench (工作台): a section for each part of her work, not the org tree
    await secretaryPage.getByTestId('workbench').waitFor();
    expect(new URL(secretaryPage.url()).pathname).toBe('/workbench');
    for (const key of ['cases_to_accept', 'household_changes', 'visits_overdue', 'tasks_to_answer', 'move_requests']) {
      await secretaryPage.getByTestId(`workbench-${key}`).waitFor();
    }
    expect(await secretaryPage.getByTestId('workbench-refusals_sent').count()).toBe(0);
    const staff = apiOf(secretaryPage, server.baseUrl);
    const me = await staff.get<{ user: { assignments: { role: string; orgId: string; orgName: string }[] } }>(
      '/api/v1/auth/me',
    );
    const community = me.user.assignments.find(
      (a) => a.role === 'community_secretary' && a.orgName.endsWith('营门滩社区'),
    );
    if (community === undefined) throw new Error('yingmentan_sj has no assignment at 营门滩社区');
    const { from, to } = ratesPeriod();
    const ratesNow = async () =>
      (await staff.get<{ total: Rates }>(`/api/v1/case-rates?orgId=${community.orgId}&from=${from}&to=${to}`)).total;
    const before = await ratesNow();

    // The resident signs in on her phone and lands on her cases, not the desktop console.
    await residentPage.goto(`${server.baseUrl}/`);
    await residentUi.signIn('yingmentan_jm', DEMO_PASSWORD);
    await residentPage.waitForURL('**/m/cases');
    await residentPage.getByTestId('my-cases').waitFor();
    expect(await residentPage.getByRole('menuitem').count()).toBe(0);
    expect(await residentPage.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await residentUi.screenshot('cases-01-phone-my-cases');

    // 我要反映: "噪音" finds 邻居生活噪声扰民; a photo, her position as the pin, an address.
    const resident = phoneOf(residentPage);
    const description = '楼上每天夜里十一点以后还在拖动家具、跺脚，已经持续一周，影响休息';
    await resident.reportCase({ search: '噪音', code: 'LL-002', description, photo });
    await residentPage.getByLabel('详细地址（选填）').fill('营门滩路18号2单元301');
    await residentPage.getByLabel('联系电话（选填）').fill('13919318888');
    expect(await residentPage.getByTestId('pinned').innerText()).toContain(
      `${AT_YINGMENTAN.longitude.toFixed(5)}, ${AT_YINGMENTAN.latitude.toFixed(5)}`,
    );
    expect(await residentPage.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await residentUi.screenshot('cases-02-phone-report');
    const caseId = await resident.submit();

    // Her case: waiting to be accepted by 营门滩社区, with her photo.
    const detail = residentPage.getByTestId('case-detail');
    await expect.poll(() => detail.getAttribute('data-status'), SOON).toBe('submitted');
    expect(await residentPage.getByTestId('case-handler').innerText()).toBe('营门滩社区');
    expect(await residentPage.getByTestId('case-description').innerText()).toBe(description);
    const shown = residentPage.getByTestId('case-photos').locator('img');
    await expect.poll(() => shown.first().evaluate((img) => (img as HTMLImageElement).naturalWidth), SOON).toBe(48);
    const number = await residentPage.getByTestId('case-number').innerText();
    expect(number).toMatch(/^SQ\d+$/);
    await residentUi.screenshot('cases-03-phone-submitted');

    // On her workbench it waits to be accepted; the count is the queue's, and opens that queue.
    const toAccept = await staff.get<{ total: number }>('/api/v1/cases?queue=unit&status=submitted&pageSize=1');
    await secretaryUi.openSection('工作台');
    const toAcceptSection = secretaryPage.getByTestId('workbench-cases_to_accept');
    const toAcceptCount = toAcceptSection.getByTestId('workbench-count-cases_to_accept');
    await expect.poll(() => toAcceptCount.innerText(), SOON).toBe(String(toAccept.total));
    await secretaryUi.screenshot('cases-desk-00-workbench');
    await toAcceptCount.click();
    await secretaryPage.waitForURL('**/cases?queue=unit&status=submitted');
    await secretaryPage.getByTestId('case-table').locator('tr', { hasText: number }).waitFor();

    // It lands in the community's queue; the secretary accepts and resolves it.
    const queue = await staff.get<{ items: { id: string; handlerName: string }[] }>(
      '/api/v1/cases?queue=unit&status=open&pageSize=100',
    );
    expect(queue.items.find((c) => c.id === caseId)?.handlerName).toBe('营门滩社区');
    await handleInConsole(
      secretaryPage,
      caseId,
      number,
      '已上门与楼上住户沟通，对方承诺晚十点后不再拖动家具并加装静音垫',
    );
    const handled = await staff.get<{ status: string }>(`/api/v1/cases/${caseId}`);
    expect(handled.status).toBe('resolved');

    // The resident is told: she opens the message, which takes her to the case to rate it.
    await residentPage.getByTestId('tab-notifications').click();
    const message = residentPage.getByTestId('notification').filter({ hasText: `${number} 已办结` });
    await message.first().waitFor();
    await residentUi.screenshot('cases-04-phone-messages');
    await message.first().click();
    await residentPage.waitForURL(`**/m/cases/${caseId}`);
    await expect.poll(() => detail.getAttribute('data-status'), SOON).toBe('resolved');
    const timeline = residentPage.getByTestId('case-timeline');
    await expect.poll(() => timeline.innerText(), SOON).toContain('静音垫');
    expect(await timeline.innerText()).toContain(CASE_STATE_LABELS.accepted.zh);
    const rating = residentPage.getByTestId('rating-form');
    await rating.waitFor();
    expect(await rating.getByTestId('resolution').innerText()).toContain('静音垫');
    await residentUi.screenshot('cases-05-phone-resolved');

    // 评价: five stars, solved, a word of thanks.
    await rating.locator('.ant-rate-star').nth(4).locator('[role=radio]').click();
    await rating.getByText('已解决', { exact: true }).click();
    await rating.getByLabel('说几句（选填）').fill('处理很及时，谢谢社区');
    const rated = residentPage.waitForResponse(
      (r) => r.url().endsWith(`/api/v1/my/cases/${caseId}/rating`) && r.request().method() === 'POST',
    );
    await rating.getByRole('button', { name: '提交评价' }).click();
    expect((await rated).status()).toBe(200);
    await expect.poll(() => detail.getAttribute('data-status'), SOON).toBe('closed');
    await residentPage.getByTestId('rating-given').waitFor();
    await residentPage.getByTestId('reopen').getByRole('button', { name: '重新打开' }).waitFor();
    await residentUi.screenshot('cases-06-phone-rated');

    // The three rates of 营门滩社区 moved: one more received, rated, satisfied.
    const after = await ratesNow();
    expect(after.received).toBe(before.received + 1);
    expect(after.rated).toBe(before.rated + 1);
    expect(after.satisfied).toBe(before.satisfied + 1);
    expect(after.closed).toBe(before.closed + 1);

    // In her list the case shows closed with her five stars.
    await residentPage.getByRole('link', { name: '我的诉求' }).click();
    const card = residentPage.locator(`[data-testid=my-case][data-number="${number}"]`);
    await expect.poll(() => card.innerText(), SOON).toContain('已评 5 星');
    expect(await card.getByTestId('case-status').getAttribute('data-status')).toBe('closed');

    expect(pageErrors).toEqual([]);
  });

  it('sends a request to get a child without local hukou into school to 安宁区教育局, not the community', async () => {
    const pageErrors: string[] = [];
    residentPage.on('pageerror', (error) => pageErrors.push(error.message));
    const residentUi = consoleOf(residentPage);
    onTestFailed(() => residentUi.screenshot('cases-school-failure'));
    const resident = phoneOf(residentPage);

    await resident.reportCase({
      search: '入学',
      code: 'JY-001',
      description: '我们一家从外地来兰州务工，孩子没有本地户口，今年九月该上小学了，不知道怎么办理入学',
    });
    // she moves the pin a little on the map: the pin follows her tap
    const pinned = residentPage.getByTestId('pinned');
    const fromGps = await pinned.innerText();
    const map = residentPage.getByTestId('location-map');
    const box = await map.boundingBox();
    if (box === null) throw new Error('the map is not shown');
    await map.click({ position: { x: box.width / 2 + 30, y: box.height / 2 + 20 } });
    await expect.poll(() => pinned.innerText(), SOON).not.toBe(fromGps);
    await residentUi.screenshot('cases-07-phone-school-report');
    const caseId = await resident.submit();

    expect(await residentPage.getByTestId('case-handler').innerText()).toBe('安宁区教育局');
    await residentUi.screenshot('cases-08-phone-school-case');

    // Not in the community's own queue: the education bureau's staff find it in theirs.
    const staff = apiOf(secretaryPage, server.baseUrl);
    const communityQueue = await staff.get<{ items: { id: string }[] }>('/api/v1/cases?queue=unit&pageSize=100');
    expect(communityQueue.items.map((c) => c.id)).not.toContain(caseId);
    const bureau = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    try {
      const bureauPage = await bureau.newPage();
      await bureauPage.goto(`${server.baseUrl}/`);
      await consoleOf(bureauPage).signIn('anning_jyj', DEMO_PASSWORD);
      await bureauPage.getByRole('menuitem').first().waitFor();
      const bureauQueue = await apiOf(bureauPage, server.baseUrl).get<{ items: { id: string; handlerName: string }[] }>(
        '/api/v1/cases?queue=unit&pageSize=100',
      );
      expect(bureauQueue.items.find((c) => c.id === caseId)?.handlerName).toBe('安宁区教育局');
    } finally {
      await bureau.close();
    }
    expect(pageErrors).toEqual([]);
  });
});
