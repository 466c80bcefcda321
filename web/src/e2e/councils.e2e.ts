import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleOf, launchBrowser } from './console';
import { deskContext, phoneContext } from './fixtures';
import { signInResident } from './resident';
import { startServer, type RunningServer } from './server';

/** The demo resident of 吴家园社区 bound to her household (cli/demo-residents.ts: community 2). */
const HER_PHONE = '13900000002';
const TOPIC = '老旧小区引入物业';

/**
 * Issue 15's council story in 吴家园社区: a resident proposes "老旧小区引入物业" on her phone; the
 * secretary records the paper petition so that 20 households support it and it goes on the agenda; the
 * council meets (members told), signs in, votes one household one vote, and the rules adopt it; it decides
 * the funding split, keeps the minutes, follows the decision up with milestones (one done: 50%), and the
 * public page shows the decision, its split and progress.
 */
describe('议事: a topic from the phone to a decided funding split', () => {
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startServer({ demo: true });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser.close();
    await server.stop();
  });

  const herTopic = (phone: Page) => phone.locator(`[data-testid=council-topic][data-title="${TOPIC}"]`);

  it('goes from 群众点题 to 20 households, a meeting, a vote under the rules, a funding split, follow-up and the public record', async () => {
    // the resident proposes on her phone
    const phone = await (await phoneContext(browser)).newPage();
    await phone.goto(`${server.baseUrl}/m/councils`);
    await signInResident(phone, server, HER_PHONE);
    await phone.getByTestId('council-propose-open').click();
    await phone.getByTestId('council-topic-title').fill(TOPIC);
    await phone.getByTestId('council-topic-body').fill('小区没有物业，垃圾清运和楼道照明没人管，希望引入物业公司');
    await phone.getByTestId('council-topic-submit').click();
    await herTopic(phone).waitFor();
    expect(await herTopic(phone).getByTestId('council-topic-supporters').textContent()).toBe('1 / 20 户附议');
    expect(await herTopic(phone).getAttribute('data-status')).toBe('open');
    await phone.screenshot({ path: 'src/e2e/screenshots/councils-phone-proposed.png' });

    // the secretary records the paper petition: 20 households signed it (hers counts once)
    const desk = await (await deskContext(browser)).newPage();
    const console = consoleOf(desk);
    await desk.goto(`${server.baseUrl}/councils`);
    await console.signIn('wujiayuan_sj', 'Tianzige@2026');
    await desk.getByTestId('council-rules').waitFor();
    expect(await desk.getByTestId('council-rules').textContent()).toContain('一户一票');
    const row = desk.locator('tr', { hasText: TOPIC }).filter({ hasNotText: '3 号院' });
    await row.getByTestId('topic-petition').click();
    const modal = desk.locator('.ant-modal:visible');
    const boxes = modal.locator('tbody .ant-checkbox-input');
    await boxes.first().waitFor();
    for (let i = 0; i < 20; i++) await boxes.nth(i).check();
    await modal.getByTestId('petition-save').click();
    await expect.poll(async () => row.getByTestId('topic-status').textContent()).toBe('已上议程');
    const supporters = Number(((await row.getByTestId('topic-supporters').textContent()) ?? '').split('/')[0]);
    expect(supporters).toBeGreaterThanOrEqual(20);

    // she is told, and sees it on the agenda
    await phone.reload();
    await herTopic(phone).waitFor();
    expect(await herTopic(phone).getAttribute('data-status')).toBe('agenda');

    // the council meets: agenda from the topic, sign-in, one household one vote
    await desk.getByRole('tab', { name: '会议' }).click();
    await desk.getByTestId('meeting-new').click();
    const call = desk.locator('.ant-modal:visible');
    await call.getByTestId('meeting-title').fill('关于引入物业的居民议事会');
    await call.getByTestId('meeting-place').fill('吴家园社区议事厅');
    await call.getByLabel(TOPIC).check();
    await call.getByTestId('meeting-call').click();
    const panel = desk.locator('.ant-drawer:visible');
    await panel.getByTestId('meeting-units').waitFor();
    const members = panel.locator('tbody tr');
    const count = await members.count();
    for (let i = 0; i < count; i++) await members.nth(i).getByText('本人出席').click();
    await panel.getByTestId('signin-save').click();
    await expect.poll(async () => panel.getByTestId('meeting-units').textContent()).toBe('表决单位：应到 5，实到 5');
    const item = panel.locator(`[data-testid=agenda-item][data-title="${TOPIC}"]`);
    for (let i = 0; i < 4; i++) {
      const before = await item.getByTestId('vote-yes').count();
      await item.getByTestId('vote-yes').first().click();
      await expect.poll(async () => item.getByTestId('vote-yes').count()).toBeLessThan(before);
    }
    await expect.poll(async () => item.getByTestId('agenda-result').textContent()).toContain('按规则：通过');
    expect(await item.getByTestId('agenda-result').textContent()).toContain('同意 4 · 反对 0 · 弃权 0');
    await console.screenshot('councils-meeting-voted');

    // the council decides the funding split: owners, the government's subsidy, the property company
    await item.getByTestId('decision-resolution').fill('同意引入物业，首年费用由业主自筹、政府补贴和物业公司调配分担');
    await item.getByTestId('funding-owners').fill('72000');
    await item.getByTestId('funding-subsidy').fill('36000');
    await item.getByTestId('funding-company').fill('12000');
    await item.getByTestId('decision-submit').click();
    await item.getByText('已作出决定').or(item.getByTestId('decision-funding')).first().waitFor();
    expect(await item.getByTestId('decision-funding').textContent()).toBe(
      '业主自筹 ¥72,000.00 · 政府补贴 ¥36,000.00 · 物业公司调配 ¥12,000.00',
    );
    await panel.getByTestId('meeting-minutes').fill('到会 5 户，一户一票表决，同意 4 户；议定资金分担如上。');
    await panel.getByTestId('minutes-save').click();
    await desk.keyboard.press('Escape');

    // follow-up: two milestones with owners and dates; one done is half the progress
    await desk.getByRole('tab', { name: '决定与落实' }).click();
    const decision = desk.locator(`[data-testid=council-decision][data-title="${TOPIC}"]`);
    await decision.waitFor();
    for (const [title, owner] of [
      ['物业公司招选', '社区居委会'],
      ['签订物业服务合同', '业主代表'],
    ] as const) {
      await decision.getByTestId('milestone-title').fill(title);
      await decision.getByTestId('milestone-owner').fill(owner);
      const due = decision.getByTestId('milestone-due');
      const input = (await due.evaluate((el) => el.tagName)) === 'INPUT' ? due : due.locator('input');
      await input.fill(new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10));
      await input.press('Tab');
      await decision.getByTestId('milestone-add').click();
      await decision.locator(`[data-testid=milestone][data-title="${title}"]`).waitFor();
    }
    await decision.locator('[data-testid=milestone][data-title="物业公司招选"] input[type=checkbox]').click();
    await expect.poll(() => decision.getByTestId('decision-progress').getAttribute('data-percent')).toBe('50');
    expect(await decision.locator('.ant-form-item-explain-error').count()).toBe(0);
    await console.screenshot('councils-decision-follow-up');

    // the public record on 吴家园's public page: decision, votes, split and progress, no resident named
    const visitor = await (await phoneContext(browser)).newPage();
    await visitor.goto(`${server.baseUrl}/p/620103003004`);
    const record = visitor.getByTestId('public-decision').filter({ hasText: TOPIC });
    await record.waitFor();
    expect(await record.getByTestId('public-decision-funding').textContent()).toBe(
      '资金分担：业主自筹 72,000 元 · 政府补贴 36,000 元 · 物业公司调配 12,000 元',
    );
    expect(await record.textContent()).toContain('物业公司招选');
    await expect.poll(() => record.getByTestId('public-decision-progress').textContent()).toBe('50%');
    await visitor.screenshot({ path: 'src/e2e/screenshots/councils-public-record.png', fullPage: true });
  }, 300_000);
});
