import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { CASE_STATE_LABELS } from '../shared/case-states';
import { consoleOf, launchBrowser } from './console';
import { deskContext, phoneContext } from './fixtures';
import { startServer, type RunningServer } from './server';

const DEMO_PASSWORD = 'Tianzige@2026';
const ZH_STATES = Object.values(CASE_STATE_LABELS).map((l) => l.zh);
const EN_STATES = Object.values(CASE_STATE_LABELS).map((l) => l.en);

/**
 * 消息 from the one outbox: the resident's phone shows her case messages with the state named in her
 * language, and she chooses SMS for progress in 消息设置; the secretary's bell shows her unit's notices and
 * opens the staff settings, where digested kinds say they reach SMS only in the daily digest.
 */
describe('messages: the bell and 消息设置 on the phone and at the desk', () => {
  let server: RunningServer;
  let browser: Browser;
  let phone: BrowserContext;
  let desk: BrowserContext;

  beforeAll(async () => {
    server = await startServer({ demo: true });
    browser = await launchBrowser();
    phone = await phoneContext(browser);
    desk = await deskContext(browser);
  });

  afterAll(async () => {
    await phone?.close();
    await desk?.close();
    await browser?.close();
    await server?.stop();
  });

  it('shows a resident her case messages in Chinese, then in English with English state names; she turns on SMS', async () => {
    const page = await phone.newPage();
    page.setDefaultTimeout(15_000);
    const ui = consoleOf(page);
    onTestFailed(() => ui.screenshot('messages-phone-failure'));
    await page.goto(`${server.baseUrl}/`);
    await ui.signIn('yingmentan_jm', DEMO_PASSWORD);
    await page.waitForURL('**/m/cases');
    await page.getByTestId('tab-notifications').click();
    await page.getByTestId('notification').first().waitFor();
    const zhTexts = await page.getByTestId('notification').allInnerTexts();
    // the demo's cases told her of their steps, each naming its state
    expect(zhTexts.some((text) => ZH_STATES.some((s) => text.includes(s)))).toBe(true);
    await ui.screenshot('messages-01-phone-zh');

    await page.evaluate(() => localStorage.setItem('tz.lang', 'en'));
    await page.reload();
    await page.getByTestId('notification').first().waitFor();
    const enTexts = await page.getByTestId('notification').allInnerTexts();
    expect(enTexts.some((text) => EN_STATES.some((s) => text.includes(`has moved on: ${s}`)))).toBe(true);
    expect(enTexts.filter((text) => ZH_STATES.some((s) => text.includes(s)))).toEqual([]);
    await ui.screenshot('messages-02-phone-en');

    await page.getByTestId('open-message-settings').click();
    const progress = page.getByTestId('message-kind-case.progress');
    await progress.waitFor();
    await progress.getByLabel('SMS').check();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByTestId('message-settings-saved').waitFor();
    await ui.screenshot('messages-03-phone-settings');
    const saved = await page.request.get(`${server.baseUrl}/api/v1/messages/preferences`);
    const kinds = ((await saved.json()) as { kinds: { kind: string; channels: string[] }[] }).kinds;
    expect(kinds.find((k) => k.kind === 'case.progress')!.channels).toEqual(['in_app', 'sms']);
    // 我的 → 消息设置 shows her choice kept
    await page.keyboard.press('Escape');
    await page.getByTestId('tab-me').click();
    const onMe = page.getByTestId('me-message-settings').getByTestId('message-kind-case.progress');
    await onMe.waitFor();
    expect(await onMe.getByLabel('SMS').isChecked()).toBe(true);
    await page.evaluate(() => localStorage.setItem('tz.lang', 'zh'));
  });

  it("shows the secretary her unit's notices in the bell and the staff settings with the digest", async () => {
    const page = await desk.newPage();
    page.setDefaultTimeout(15_000);
    const ui = consoleOf(page);
    onTestFailed(() => ui.screenshot('messages-desk-failure'));
    await page.goto(`${server.baseUrl}/`);
    await ui.signIn('yingmentan_sj', DEMO_PASSWORD);
    await page.getByTestId('workbench').waitFor();
    await page.getByTestId('notification-bell').click();
    await page.getByTestId('notification-item').first().waitFor();
    const texts = await page.getByTestId('notification-item').allInnerTexts();
    expect(texts.some((text) => text.includes('新诉求'))).toBe(true);
    await ui.screenshot('messages-04-desk-bell');
    await page.getByTestId('open-message-settings').click();
    await page.getByTestId('message-kind-staff.digest').waitFor();
    const notices = page.getByTestId('message-kind-case.unit_notice');
    await expect.poll(() => notices.innerText()).toContain('每日待办汇总');
    // a resident's kinds are not hers to set here
    expect(await page.getByTestId('message-kind-case.rate_request').count()).toBe(0);
    await ui.screenshot('messages-05-desk-settings');
  });
});
