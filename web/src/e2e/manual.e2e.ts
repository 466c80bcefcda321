import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { handleInConsole, submitReport } from './case-steps';
import { consoleOf, launchBrowser } from './console';
import { startServer, type RunningServer } from './server';

/**
 * The user manual's pictures (docs/manual/): each role signs in with the demo accounts and walks the pages
 * its chapter describes; the test checks what she would see there and overwrites the chapter's screenshot,
 * so a picture in the manual is never older than the last run and a broken page fails here first.
 */

const DEMO_PASSWORD = 'Tianzige@2026';
const SOON = { timeout: 30_000, interval: 200 };
const IMG = path.resolve(import.meta.dirname, '../../../docs/manual/img');
const AT_YINGMENTAN = { longitude: 103.7208, latitude: 36.1016 };
/** Inside 营门滩社区's first grid, where yingmentan_wg1 works. */
const IN_GRID_1 = { longitude: 103.7175, latitude: 36.1012 };
/** The demo residents bound to their households (docs/residents.md): 营门滩社区, 砂岗村, 吴家园社区. */
const YINGMENTAN_RESIDENT = '13900000003';
const SHAGANG_RESIDENT = '13900000004';
const WUJIAYUAN_RESIDENT = '13900000002';
const PROBLEM = '楼道里堆放了很多纸箱和旧家具，挡住了消防通道';
const NOTICE = '关于今冬供暖报修的通知';

/** A phone as the manual shows it: 390×844 CSS pixels at 1× (small pictures), in Chinese. */
function phone(browser: Browser, geolocation?: { longitude: number; latitude: number }) {
  return browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 1,
    isMobile: true,
    hasTouch: true,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    reducedMotion: 'reduce',
    ...(geolocation === undefined ? {} : { geolocation, permissions: ['geolocation'] }),
  });
}

/** An office screen as the manual shows it: 1366×900, in Chinese. */
function desk(browser: Browser) {
  return browser.newContext({
    viewport: { width: 1366, height: 900 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    reducedMotion: 'reduce',
  });
}

/**
 * Saves the manual's picture `name` (docs/manual/img/name.png), replacing the last run's; from the top of the
 * page (a click low in the console's menu scrolls the window) unless `keepScroll`.
 */
async function picture(page: Page, name: string, options: { keepScroll?: boolean } = {}) {
  if (options.keepScroll !== true) await page.evaluate(() => window.scrollTo(0, 0));
  // no toast from the last step over the page, no caret blinking or half-drawn hover
  await page.locator('.ant-message-notice').last().waitFor({ state: 'detached' });
  await page.mouse.move(0, 0);
  await page.screenshot({ path: path.join(IMG, `${name}.png`), caret: 'hide', animations: 'disabled' });
}

describe('the user manual: every role walks its chapter, and the pictures are taken on the way', () => {
  let server: RunningServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let caseId: string | undefined;
  let caseNumber = '';
  /** the resident of 营门滩社区's phone, still signed in for the second part of her chapter */
  let residentPage: Page | undefined;

  const open = async (context: Promise<BrowserContext>) => {
    const c = await context;
    contexts.push(c);
    const page = await c.newPage();
    page.setDefaultTimeout(30_000);
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    onTestFailed(() => consoleOf(page).screenshot('manual-failure'));
    return { page, errors };
  };

  /** The sign-in code the `log` SMS adapter wrote to the server log for this number. */
  const codeFor = async (phoneNumber: string) => {
    const masked = `${phoneNumber.slice(0, 3)}****${phoneNumber.slice(-4)}`;
    let code: string | undefined;
    await expect
      .poll(() => {
        const lines = server
          .output()
          .split('\n')
          .filter((l) => l.includes(`sms to ${masked} (auth.sms_code)`));
        code = /验证码为 (\d{6})/.exec(lines.at(-1) ?? '')?.[1];
        return code;
      }, SOON)
      .toBeDefined();
    return code!;
  };

  /** A resident signs in on her phone with the code sent by SMS; `shoot` takes the sign-in page's picture. */
  const signInBySms = async (page: Page, phoneNumber: string, shoot?: string) => {
    await page.goto(`${server.baseUrl}/m/login`);
    await page.getByTestId('login-phone').fill(phoneNumber);
    await page.getByTestId('send-code').click();
    await page.getByTestId('code-sent').waitFor();
    await page.getByTestId('login-code').fill(await codeFor(phoneNumber));
    if (shoot !== undefined) await picture(page, shoot);
    await page.getByTestId('login-submit').click();
    await page.waitForURL(/\/m\/cases/);
    await page.getByTestId('tab-me').waitFor();
  };

  /** Staff sign in at the front door with the demo password; the console's menu shows. */
  const signInAtDesk = async (page: Page, username: string) => {
    await page.goto(`${server.baseUrl}/`);
    await consoleOf(page).signIn(username, DEMO_PASSWORD);
    await page.getByRole('menuitem').first().waitFor();
  };

  const menuLabels = async (page: Page) =>
    (await page.getByRole('menuitem').allInnerTexts()).map((t) => t.trim()).filter((t) => t !== '');

  beforeAll(async () => {
    fs.mkdirSync(IMG, { recursive: true });
    server = await startServer({ demo: true, env: { TIANZIGE_MESSAGES_INTERVAL_MS: '200' } });
    browser = await launchBrowser();
  }, 180_000);

  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await server?.stop();
  });

  it('居民 (1): signs in with a code by SMS and reports a problem in her own words', async () => {
    const { page, errors } = await open(phone(browser, AT_YINGMENTAN));
    residentPage = page;
    await signInBySms(page, YINGMENTAN_RESIDENT, 'resident-01-login');

    // 我要反映: she describes it, an item is suggested, her place comes from the phone
    await page.goto(`${server.baseUrl}/m/cases/new`);
    await page.getByTestId('report-form').waitFor();
    await page.getByLabel('问题描述').fill(PROBLEM);
    await expect.poll(() => page.getByTestId('category-chosen').count(), SOON).toBeGreaterThan(0);
    expect((await page.getByTestId('category-chosen').innerText()).trim()).not.toBe('');
    await page.getByTestId('use-location').click();
    await page.getByTestId('pinned').waitFor();
    await picture(page, 'resident-02-report');

    caseId = await submitReport(page);
    expect(caseId).toBeDefined();
    caseNumber = (await page.getByTestId('case-number').innerText()).trim();
    expect(caseNumber).not.toBe('');
    expect(await page.getByTestId('case-handler').innerText()).toBe('营门滩社区');
    expect(await page.getByTestId('case-detail').getAttribute('data-status')).toBe('submitted');
    await picture(page, 'resident-03-submitted');

    // 我的诉求 lists it
    await page.goto(`${server.baseUrl}/m/cases`);
    await page.locator(`[data-testid=my-case][data-number="${caseNumber}"]`).waitFor();
    expect(errors).toEqual([]);
  });

  it('社区书记: the workbench, the case queue (handling the resident’s case), the ledger, visits, bindings, notices and tasks', async () => {
    const { page, errors } = await open(desk(browser));
    const ui = consoleOf(page);
    await signInAtDesk(page, 'yingmentan_sj');

    // 工作台: what waits for her today
    await page.getByTestId('workbench').waitFor();
    await page.getByTestId('workbench-cases_to_accept').waitFor();
    await expect
      .poll(async () => Number(await page.getByTestId('workbench-count-cases_to_accept').innerText()), SOON)
      .toBeGreaterThan(0);
    expect(await menuLabels(page)).toEqual(
      expect.arrayContaining(['工作台', '诉求办理', '住户台账', '走访覆盖', '任务准入', '通知与政策解读']),
    );
    await picture(page, 'secretary-01-workbench');

    // 诉求办理: the unit's queue holds the resident's case
    await ui.openSection('诉求办理');
    await page.getByTestId('queue-unit').click();
    const row = page.getByTestId('case-table').locator('tr', { hasText: caseNumber });
    await row.waitFor();
    expect(await row.innerText()).toContain('待签收');
    await picture(page, 'secretary-02-cases');

    // she accepts it and resolves it (case-steps.ts); the detail shows the result
    await handleInConsole(page, caseId!, caseNumber, '已联系物业清理楼道，纸箱和旧家具已全部清走，消防通道畅通');
    await expect.poll(() => page.getByText('已办结').first().isVisible(), SOON).toBe(true);
    await picture(page, 'secretary-03-case-resolved');

    // 住户台账: households of the community
    await ui.openSection('住户台账');
    const households = page.getByTestId('households-table');
    await households.locator('tr.ant-table-row').first().waitFor();
    expect(await households.locator('tr.ant-table-row').count()).toBeGreaterThan(3);
    await picture(page, 'secretary-04-households');

    // 走访覆盖: who was visited this month, by grid and by worker
    await ui.openSection('走访覆盖');
    await page.getByTestId('coverage-totals').waitFor();
    await page.getByTestId('coverage-workers').locator('tr.ant-table-row').first().waitFor();
    expect(await page.getByTestId('coverage-workers').innerText()).toContain('第1网格');
    await picture(page, 'secretary-05-coverage');

    // 居民绑定申请: a resident asks to be bound to her household
    await ui.openSection('居民绑定申请');
    const bindings = page.getByTestId('resident-bindings');
    await bindings.getByTestId('confirm-binding').first().waitFor();
    await picture(page, 'secretary-06-bindings');

    // 任务准入: the tasks sent down to her, each admitted against the duty list
    await ui.openSection('任务准入');
    const received = page.getByTestId('tasks-received');
    await received.locator('tr[data-title]').first().waitFor();
    expect(await received.locator('tr[data-title]').count()).toBeGreaterThanOrEqual(3);
    // the inspection the street sent: what it asks and what she records when it is done
    await received.locator('tr[data-title="老旧小区消防通道检查"]').click();
    const drawer = page.getByTestId('task-drawer');
    await drawer.getByTestId('task-record').first().waitFor();
    await picture(page, 'secretary-07-task');
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'hidden' });

    // 通知与政策解读: a notice to every household of the community, read on the residents' phones
    await ui.openSection('通知与政策解读');
    await page.getByTestId('notice-list').waitFor();
    await page.getByTestId('notice-new').click();
    await page.getByTestId('notice-title').fill(NOTICE);
    await page
      .getByTestId('notice-body')
      .fill('今冬供暖期为11月1日至次年3月31日。家中暖气不热，可拨打热力公司报修电话，或在“我要反映”中反映。');
    await picture(page, 'secretary-08-notice');
    const sent = page.waitForResponse((r) => r.url().endsWith('/api/v1/notices') && r.request().method() === 'POST');
    await page
      .locator('.ant-modal')
      .getByRole('button', { name: /发\s*通\s*知/ })
      .click();
    expect((await sent).status()).toBe(201);
    await page.keyboard.press('Escape');
    await page.getByTestId('notice-list').locator('tr.ant-table-row', { hasText: NOTICE }).waitFor();
    expect(errors).toEqual([]);
  });

  it('居民 (2): is told her case is done, rates it, and finds the services of her community', async () => {
    const page = residentPage!;
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    onTestFailed(() => consoleOf(page).screenshot('manual-failure'));

    // 消息: the steps of her case reached her
    await page.getByTestId('tab-notifications').click();
    await page.getByTestId('notifications').waitFor();
    await expect
      .poll(
        () =>
          page
            .getByTestId('notification')
            .filter({ hasText: `${caseNumber} 已办结` })
            .count(),
        SOON,
      )
      .toBeGreaterThan(0);
    // …and the community's notice to every household
    await expect.poll(() => page.getByTestId('notification').filter({ hasText: NOTICE }).count(), SOON).toBe(1);
    await picture(page, 'resident-04-messages');

    // her case: the steps, the result, and the rating form
    await page.goto(`${server.baseUrl}/m/cases/${caseId}`);
    const detail = page.getByTestId('case-detail');
    await expect.poll(() => detail.getAttribute('data-status'), SOON).toBe('resolved');
    await page.getByTestId('case-timeline').waitFor();
    const rating = page.getByTestId('rating-form');
    await rating.waitFor();
    await rating.locator('.ant-rate-star').nth(4).locator('[role=radio]').click();
    await rating.getByText('已解决', { exact: true }).click();
    await rating.scrollIntoViewIfNeeded();
    await picture(page, 'resident-05-rate', { keepScroll: true });
    await rating.getByRole('button', { name: '提交评价' }).click();
    await expect.poll(() => detail.getAttribute('data-status'), SOON).toBe('closed');

    // 我的: her household and the services of her community
    await page.getByTestId('tab-me').click();
    await expect.poll(() => page.getByTestId('binding-state').getAttribute('data-status'), SOON).toBe('bound');
    for (const entry of ['me-points', 'me-venues', 'me-councils', 'me-canteen', 'me-funds'])
      await page.getByTestId(entry).waitFor();
    await picture(page, 'resident-06-me');

    // 积分: her balance, what earned it, the store
    await page.getByTestId('me-points').click();
    await page.getByTestId('points-balance').waitFor();
    await page.getByTestId('points-movement').first().waitFor();
    await picture(page, 'resident-07-points');

    // 活动室: rooms of the 党群服务中心 to book
    await page.goto(`${server.baseUrl}/m/venues`);
    await page.getByTestId('venue-space').first().waitFor();
    await picture(page, 'resident-08-venues');
    expect(errors).toEqual([]);
  });

  it('居民 (3): 砂岗村’s canteen and 吴家园社区’s compound fund on the phone', async () => {
    const village = await open(phone(browser));
    await signInBySms(village.page, SHAGANG_RESIDENT);
    await village.page.goto(`${server.baseUrl}/m/canteen`);
    await village.page.getByTestId('canteen-balance').waitFor();
    await village.page.locator('[data-testid^=canteen-menu-]').first().waitFor();
    await picture(village.page, 'resident-09-canteen');
    expect(village.errors).toEqual([]);

    const compound = await open(phone(browser));
    await signInBySms(compound.page, WUJIAYUAN_RESIDENT);
    await compound.page.goto(`${server.baseUrl}/m/funds`);
    await compound.page.getByTestId('fund-balance').waitFor();
    await compound.page.getByTestId('fund-movement').first().waitFor();
    await picture(compound.page, 'resident-10-fund');
    expect(compound.errors).toEqual([]);
  });

  it('网格员: signs in on her phone, works down today’s list, records a visit, reports a problem and syncs', async () => {
    const { page, errors } = await open(phone(browser, IN_GRID_1));
    await page.goto(`${server.baseUrl}/`);
    await picture(page, 'grid-01-login');
    await consoleOf(page).signIn('yingmentan_wg1', DEMO_PASSWORD);
    await page.waitForURL('**/m/field');

    // 今日走访: the households of her grid, the ones due first
    const list = page.getByTestId('today-list');
    await expect.poll(async () => Number(await list.getAttribute('data-count')), SOON).toBeGreaterThan(3);
    await page.getByTestId('today-summary').waitFor();
    await expect.poll(() => page.getByTestId('sync-bar').getAttribute('data-online'), SOON).toBe('yes');
    await picture(page, 'grid-02-today');

    // a household: its people and its visits
    const card = page.locator('[data-testid=field-household]:not([data-standing=visited])').first();
    await card.click();
    await page.getByTestId('field-household-detail').waitFor();
    await page.getByTestId('field-member').first().waitFor();
    await picture(page, 'grid-03-household');

    // 记录走访: what she found, in a few taps
    await page.getByTestId('record-visit').click();
    await page.getByTestId('visit-form').waitFor();
    await page.getByRole('checkbox', { name: '身体健康' }).check();
    await page.getByLabel('走访记录').fill('老人身体尚可，按时服药，叮嘱注意防暑');
    await picture(page, 'grid-04-visit');
    await page.getByTestId('visit-save').click();
    await page.waitForURL(/\/m\/field\/h\/[0-9a-f-]{36}$/);
    await page.getByTestId('field-visits').getByTestId('op-state').first().waitFor();

    // 上报事件: a problem she sees on the way
    await page.getByTestId('tab-report').click();
    await page.getByTestId('field-report-form').waitFor();
    await picture(page, 'grid-05-report');

    // 同步: everything recorded on the phone reaches the community
    await page.getByTestId('tab-sync').click();
    await expect
      .poll(async () => Number(await page.getByTestId('sync-bar').getAttribute('data-pending')), SOON)
      .toBe(0);
    await page.getByTestId('queue-done').getByTestId('queued-op').first().waitFor();
    await picture(page, 'grid-06-sync');

    // 网格住户: the ledger of her grid, read-only on the phone
    await page.goto(`${server.baseUrl}/m/households`);
    await page.getByTestId('grid-household').first().waitFor();
    await expect.poll(() => page.getByTestId('grid-household-count').innerText(), SOON).toMatch(/\d/);
    await picture(page, 'grid-07-households');
    expect(errors).toEqual([]);
  });

  it('街道: the dashboard, the burden ledger, the three rates and the tasks to review', async () => {
    const { page, errors } = await open(desk(browser));
    const ui = consoleOf(page);
    await signInAtDesk(page, 'yintanlu');
    expect(await menuLabels(page)).toEqual(
      expect.arrayContaining(['大数据驾驶舱', '减负台账', '任务准入', '三率统计']),
    );

    await ui.openSection('大数据驾驶舱');
    await expect.poll(() => page.getByTestId('insights-unit').innerText(), SOON).toContain('银滩路街道');
    await page.getByTestId('insights-summary').waitFor();
    await page.getByTestId('insights-children').locator('tr[data-unit="营门滩社区"]').waitFor();
    await page.getByTestId('insights-pyramid').locator('canvas').waitFor();
    await picture(page, 'street-01-insights');

    await ui.openSection('减负台账');
    await expect.poll(() => page.getByTestId('burden-unit').innerText(), SOON).toContain('银滩路街道');
    await page.getByTestId('burden-totals').waitFor();
    await page.getByTestId('burden-children').locator('tr.ant-table-row').first().waitFor();
    await picture(page, 'street-02-burden');

    await ui.openSection('三率统计');
    await page.getByTestId('rates-totals').waitFor();
    await page.getByTestId('rates-children').locator('tr.ant-table-row').first().waitFor();
    await picture(page, 'street-03-rates');

    await ui.openSection('任务准入');
    // the meeting notice, the document and the inspection she sent to her communities, each with its outcome
    const sent = page.getByTestId('tasks-sent');
    await sent.locator('tr[data-title]').first().waitFor();
    expect(await sent.locator('tr[data-title]').count()).toBeGreaterThanOrEqual(3);
    expect(await page.getByRole('tab').allInnerTexts()).toEqual(
      expect.arrayContaining([expect.stringContaining('复核')]),
    );
    await picture(page, 'street-04-tasks');
    expect(errors).toEqual([]);
  });

  it('部门 (安宁区民政局): 一表通 templates, a report generated from the ledgers, tasks sent and their admission', async () => {
    const { page, errors } = await open(desk(browser));
    const ui = consoleOf(page);
    await signInAtDesk(page, 'anning_mzj');
    expect(await menuLabels(page)).toEqual(expect.arrayContaining(['一表通', '任务准入']));

    await ui.openSection('一表通');
    const templates = page.getByTestId('template-list');
    await templates.locator('tr.ant-table-row').first().waitFor();
    await picture(page, 'department-01-templates');

    // generate the first template for the district: every cell filled from the ledgers
    await page.locator('[data-testid^=generate-]').first().click();
    await expect.poll(() => page.getByTestId('generate-org').innerText(), SOON).toMatch(/安宁区/);
    await page.getByTestId('generate-confirm').click();
    const cells = page.getByTestId('report-cells');
    await cells.waitFor();
    expect(Number(await cells.getAttribute('data-filled'))).toBeGreaterThan(0);
    expect(await cells.getAttribute('data-typed')).toBe('0');
    await picture(page, 'department-02-report');
    await page.keyboard.press('Escape');

    // a new template: columns picked from the data
    await page.getByTestId('template-new').click();
    const builder = page.getByTestId('template-builder');
    await builder.waitFor();
    await page.getByTestId('template-name').fill('高龄独居老人统计');
    await page.getByTestId('template-title').fill('安宁区高龄独居老人情况统计表');
    await builder.getByTestId('template-column').first().getByTestId('column-label').fill('80岁以上独居老人');
    await expect
      .poll(() => page.getByTestId('template-json-preview').innerText(), SOON)
      .toContain('"label": "80岁以上独居老人"');
    await picture(page, 'department-03-builder');

    // 任务准入: tasks she sent and what each community did with them
    await ui.openSection('任务准入');
    const sent = page.getByTestId('tasks-sent');
    await sent.locator('tr[data-title]').first().waitFor();
    // a signboard with no duty item stated: refused by every community, with the rule and the reason
    await sent.locator('tr[data-title*="标牌"]').click();
    const drawer = page.getByTestId('task-drawer');
    await drawer.locator('tr[data-org]').first().waitFor();
    expect(await drawer.locator('tr[data-org]').first().getAttribute('data-status')).toBe('refused');
    await picture(page, 'department-04-refused');
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'hidden' });
    await page.getByTestId('task-send').click();
    await page.getByTestId('task-send-form').waitFor();
    await page.getByTestId('task-title').fill('报送辖区高龄老人补贴发放情况');
    await picture(page, 'department-05-send-task');
    expect(errors).toEqual([]);
  });
});
