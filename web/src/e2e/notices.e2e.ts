import path from 'node:path';
import Database from 'better-sqlite3';
import type { APIRequestContext, Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleOf, launchBrowser } from './console';
import { deskContext, phoneContext } from './fixtures';
import { signInResident } from './resident';
import { startServer, type RunningServer } from './server';

const PASSWORD = 'Tianzige@2026';
/** The demo resident of 营门滩社区 bound to her household (cli/demo-residents.ts: community 3). */
const HER_PHONE = '13900000003';
/** The demo's notice to her household and its neighbours (cli/demo-notices.ts). */
const HERS = '营门滩社区居民议事会议题征集';
const ALLOWANCE = '关于发放高龄津贴的通知';
const STAFF_NOTICE = '关于做好冬季入户走访安全工作的通知';
const DAY_MS = 86_400_000;
const SOON = { timeout: 30_000, interval: 250 };

interface Receipts {
  total: number;
  items: { householdId: string; unitName: string; readAt: string | null; visit: { status: string } | null }[];
}

/** Reads the server's API with the desk's session (GETs need no CSRF token). */
async function getJson<T>(request: APIRequestContext, url: string): Promise<T> {
  const response = await request.get(url);
  if (!response.ok()) throw new Error(`GET ${url}: ${response.status()} ${await response.text()}`);
  return (await response.json()) as T;
}

/**
 * Issue 15's 说文解策 in 营门滩社区: a resident opens the notice sent to her household on her phone — the
 * plain-words explainer first — which the community sees as read; she asks, the community answers in
 * the FAQ, she reads the answer. The secretary sends a notice about 高龄津贴 to every household with a
 * member aged 80 or more; three days later (the notice's send time moved back, as three days passing
 * would) the minute job hands the households still unread to their grid workers, and a grid worker
 * finds them at the top of her today list with the reason.
 */
describe('说文解策: notices read on the phone, unread ones visited', () => {
  let server: RunningServer;
  let browser: Browser;
  let desk: ReturnType<typeof consoleOf>;

  beforeAll(async () => {
    server = await startServer({ demo: true });
    browser = await launchBrowser();
    desk = consoleOf(await (await deskContext(browser)).newPage());
    desk.page.setDefaultTimeout(30_000);
    await desk.page.goto(`${server.baseUrl}/`);
    await desk.signIn('yingmentan_sj', PASSWORD);
    await desk.openSection('通知与政策解读');
  });
  afterAll(async () => {
    await browser.close();
    await server.stop();
  });

  const drawerOf = async (title: string) => {
    await desk.page.getByTestId('notice-list').getByText(title, { exact: true }).click();
    const drawer = desk.page.locator('.ant-drawer:visible');
    await drawer.getByTestId('notice-receipts').waitFor();
    return drawer;
  };

  it('shows her the notice with its explainer, records her reading it, and answers her question in the FAQ', async () => {
    const phone: Page = await (await phoneContext(browser)).newPage();
    phone.setDefaultTimeout(30_000);
    await phone.goto(`${server.baseUrl}/m/me`);
    await signInResident(phone, server, HER_PHONE);
    await phone.getByTestId('me-notices').click();
    const item = phone.locator(`[data-testid=notice-item][data-title="${HERS}"]`);
    expect(await item.getAttribute('data-read')).toBe('false');
    expect(await phone.getByTestId('notices-unread').textContent()).toMatch(/\d+ 条未读/);
    await item.click();
    expect(await phone.getByTestId('notice-explainer').textContent()).toContain('20 户点了“附议”');
    await phone.getByTestId('notice-read').waitFor();
    await phone.screenshot({ path: `${import.meta.dirname}/screenshots/notices-phone-read.png`, fullPage: true });

    // the community sees her household as read
    const drawer = await drawerOf(HERS);
    await expect.poll(() => drawer.locator('h5').first().textContent(), SOON).toMatch(/已读户数 1\/\d+/);

    // she asks; the secretary answers for everyone; she reads the answer
    await phone.getByTestId('notice-ask-body').fill('我家在隔壁楼院，也能提议题吗？');
    await phone.getByTestId('notice-ask-submit').click();
    await phone.getByTestId('notice-my-question').getByText('等待社区答复').waitFor();
    await desk.page.reload();
    const again = await drawerOf(HERS);
    const question = again.getByTestId('notice-question').filter({ hasText: '我家在隔壁楼院' });
    await question.locator('textarea').fill('可以。本社区居民都能提议题，同一楼院 20 户附议即列入议程。');
    await question.getByRole('button', { name: /答\s*复/ }).click();
    await question.getByText('公开答复：可以。').waitFor();
    await phone.reload();
    expect(await phone.getByTestId('notice-faq').first().textContent()).toContain('同一楼院 20 户附议即列入议程');
    await phone.goto(`${server.baseUrl}/m/notices`);
    await expect.poll(() => item.getAttribute('data-read'), SOON).toBe('true');
    await phone.close();
  }, 240_000);

  it('sends 高龄津贴 to every household with someone aged 80+, and after 3 days hands the unread to grid workers', async () => {
    await desk.page.reload();
    await desk.page.getByTestId('notice-new').click();
    const compose = desk.page.locator('.ant-modal:visible');
    await compose.getByTestId('notice-min-age').fill('80');
    await compose.getByTestId('notice-title').fill(ALLOWANCE);
    await compose
      .getByTestId('notice-body')
      .fill(
        '凡具有本市户籍、年满 80 周岁的老年人，自本月起按月发放高龄津贴：80–89 周岁每人每月 100 元，90–99 周岁 200 元。',
      );
    await compose
      .getByTestId('notice-explainer')
      .fill('家里有 80 岁以上的老人，每月能领 100 元（90 岁以上 200 元），带上身份证和银行卡到社区登记一次就行。');
    await compose.getByRole('button', { name: '发通知' }).click();
    const drawer = desk.page.locator('.ant-drawer:visible');
    await drawer.getByText(ALLOWANCE).first().waitFor();
    await drawer.getByTestId('notice-receipts').waitFor();
    await desk.screenshot('notices-console-sent');

    const list = await getJson<{ items: { id: string; title: string; households: number }[] }>(
      desk.page.request,
      `${server.baseUrl}/api/v1/notices?limit=200`,
    );
    const notice = list.items.find((n) => n.title === ALLOWANCE)!;
    expect(notice.households).toBeGreaterThan(0);
    // every household it reached has a living member born 80 or more years ago, and no other household
    const db = new Database(path.join(server.dataDir, 'tianzige.db'), { fileMustExist: true });
    try {
      // born on or before today 80 years ago, today in Shanghai (as the server's bornOnOrBefore)
      const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
      const cutoff = `${Number(today.slice(0, 4)) - 80}${today.slice(4)}`;
      const aged = db
        .prepare(
          `SELECT count(DISTINCT h.id) AS n FROM households h JOIN org_units o ON o.code = '620105006010'
           JOIN residents r ON r.household_id = h.id AND r.status = 'living' AND r.birth_date <= ?
           WHERE h.org_path >= o.path AND h.org_path < substr(o.path, 1, length(o.path) - 1) || '0'`,
        )
        .get(cutoff) as { n: number };
      expect(notice.households).toBe(aged.n);
      // three days pass: the notice was sent three days and a minute ago
      db.prepare('UPDATE notices SET sent_at = ? WHERE id = ?').run(
        new Date(Date.now() - 3 * DAY_MS - 60_000).toISOString(),
        notice.id,
      );
    } finally {
      db.close();
    }

    // within the next minute the job hands every household still unread to its grid worker
    const receiptsUrl = `${server.baseUrl}/api/v1/notices/${notice.id}/receipts?state=unread&limit=1000`;
    await expect
      .poll(
        async () => {
          const r = await getJson<Receipts>(desk.page.request, receiptsUrl);
          return r.items.length > 0 && r.items.every((i) => i.visit?.status === 'open');
        },
        { timeout: 150_000, interval: 2_000 },
      )
      .toBe(true);
    const unread = await getJson<Receipts>(desk.page.request, receiptsUrl);
    expect(unread.total).toBe(notice.households);
    const grid = Number(/第(\d+)网格/.exec(unread.items[0]!.unitName)?.[1]);
    expect(grid).toBeGreaterThan(0);

    // her grid worker signs in on her phone: the households are at the top of today's list, with the reason
    const worker = consoleOf(await (await phoneContext(browser)).newPage());
    worker.page.setDefaultTimeout(30_000);
    await worker.page.goto(`${server.baseUrl}/`);
    await worker.signIn(`yingmentan_wg${grid}`, PASSWORD);
    await worker.page.waitForURL('**/m/field');
    const requests = worker.page.locator('[data-testid=field-request][data-source=notice]', {
      hasText: `入户讲解：《${ALLOWANCE}》发出 3 天未读`,
    });
    await expect.poll(() => requests.count(), SOON).toBeGreaterThan(0);
    const first = worker.page.getByTestId('field-household').first();
    expect(await first.textContent()).toContain(ALLOWANCE);
    await worker.screenshot('notices-field-today');
  }, 300_000);

  it('sends a notice to every 网格员 by role: the preview counts them, one reads it on her phone, the community sees her receipt', async () => {
    await desk.page.reload();
    await desk.page.getByTestId('notice-new').click();
    const compose = desk.page.locator('.ant-modal:visible');
    await compose.getByTestId('notice-roles').click();
    await desk.page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: '网格员' }).click();
    await desk.page.keyboard.press('Escape');
    // the demo's four grid workers of 营门滩, and no household
    await expect
      .poll(() => compose.getByTestId('notice-preview').textContent(), SOON)
      .toContain('将送达 0 户（0 个居民账号会收到消息）和 4 名工作人员');
    await compose.getByTestId('notice-title').fill(STAFF_NOTICE);
    await compose.getByTestId('notice-body').fill('入冬后入户走访请注意燃气、取暖安全，发现隐患当场拍照上报。');
    await compose.getByRole('button', { name: '发通知' }).click();
    const drawer = desk.page.locator('.ant-drawer:visible');
    const staffReceipts = drawer.getByTestId('notice-staff-receipts');
    await staffReceipts.waitFor();
    expect(await drawer.getByText('工作人员回执 · 已读 0/4 人').count()).toBe(1);
    expect(await staffReceipts.locator('tbody tr').count()).toBe(4);

    // 网格员 1 hears of it in her bell and reads it on her phone
    const worker = consoleOf(await (await phoneContext(browser)).newPage());
    worker.page.setDefaultTimeout(30_000);
    await worker.page.goto(`${server.baseUrl}/`);
    await worker.signIn('yingmentan_wg1', PASSWORD);
    await worker.page.waitForURL('**/m/field');
    const bell = await getJson<{ items: { kind: string; title: string }[] }>(
      worker.page.request,
      `${server.baseUrl}/api/v1/messages/mine`,
    );
    expect(bell.items.find((m) => m.kind === 'notice.staff')?.title).toContain(STAFF_NOTICE);
    await worker.page.getByTestId('field-notices').click();
    const item = worker.page.locator(`[data-testid=notice-item][data-title="${STAFF_NOTICE}"]`);
    expect(await item.getAttribute('data-read')).toBe('false');
    await item.click();
    await worker.page.getByTestId('notice-read').waitFor();
    await worker.screenshot('notices-staff-read');

    await desk.page.reload();
    await drawerOf(STAFF_NOTICE);
    const after = desk.page.locator('.ant-drawer:visible');
    await expect.poll(() => after.getByText('工作人员回执 · 已读 1/4 人').count(), SOON).toBe(1);
    await desk.screenshot('notices-console-staff-receipts');
  }, 240_000);
});
