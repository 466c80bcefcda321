import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import {
  type AliyunAnswer,
  type ProviderServer,
  startAliyunServer,
} from '../../../server/src/modules/messages/test-providers';
import { handleInConsole, submitReport, suggestedCodes } from './case-steps';
import { consoleOf, launchBrowser } from './console';
import { deskContext, phoneContext } from './fixtures';
import { startServer, type RunningServer } from './server';

const DEMO_PASSWORD = 'Tianzige@2026';
const SOON = { timeout: 20_000, interval: 200 };
const YINGMENTAN = '620105006010';
const AT_YINGMENTAN = { longitude: 103.7208, latitude: 36.1016 };
/** a number no demo account has */
const HER_PHONE = '13687654321';
const ALIYUN_SECRET = 'front-door-test-secret';
const TEMPLATES: Record<string, string> = {
  'auth.sms_code': 'SMS_100001',
  'case.progress': 'SMS_100002',
  'case.reply_request': 'SMS_100003',
  'case.rate_request': 'SMS_100004',
};

/**
 * The issue's "done when", as a new resident lives it: she finds 营门滩社区's public page, signs up with
 * her phone (the code reaches her through the Aliyun SMS adapter, received here by a local server that
 * speaks Aliyun's API and checks its signatures), describes her problem without choosing an item, gets
 * 邻居生活噪声扰民 suggested and submits; the community's secretary accepts and resolves it in the
 * console; she is told in the app and by SMS, and rates it.
 */
describe('the residents’ front door, end to end', () => {
  let sms: ProviderServer<AliyunAnswer>;
  let server: RunningServer;
  let browser: Browser;
  let phone: BrowserContext;
  let desk: BrowserContext | undefined;

  /** what the SMS provider accepted for her number, as [template, params] */
  const textsToHer = () =>
    sms.accepted
      .filter((m) => m.PhoneNumbers === HER_PHONE)
      .map((m) => [String(m.TemplateCode), JSON.parse(String(m.TemplateParam)) as Record<string, string>] as const);

  beforeAll(async () => {
    sms = await startAliyunServer(ALIYUN_SECRET);
    server = await startServer({
      demo: true,
      env: {
        TIANZIGE_SMS_PROVIDER: 'aliyun',
        TIANZIGE_ALIYUN_SMS_ACCESS_KEY_ID: 'front-door-test-key',
        TIANZIGE_ALIYUN_SMS_ACCESS_KEY_SECRET: ALIYUN_SECRET,
        TIANZIGE_ALIYUN_SMS_SIGN_NAME: '田字格',
        TIANZIGE_ALIYUN_SMS_ENDPOINT: sms.url,
        TIANZIGE_ALIYUN_SMS_TEMPLATES: JSON.stringify(TEMPLATES),
        TIANZIGE_MESSAGES_INTERVAL_MS: '200',
      },
    });
    browser = await launchBrowser();
    phone = await phoneContext(browser, AT_YINGMENTAN);
  }, 180_000);

  afterAll(async () => {
    await desk?.close();
    await phone?.close();
    await browser?.close();
    await server?.stop();
    await sms?.close();
  });

  it('public page → sign-up by SMS → 说出来 → staff handle it → told in the app and by SMS → she rates it', async () => {
    const page = await phone.newPage();
    page.setDefaultTimeout(20_000);
    const ui = consoleOf(page);
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    onTestFailed(() => ui.screenshot('front-door-failure'));

    // 1. The public page of 营门滩社区, no sign-in: this month's figures and the duty list.
    await page.goto(`${server.baseUrl}/p/${YINGMENTAN}`);
    await page.getByRole('heading', { name: '营门滩社区' }).waitFor();
    await page.getByTestId('public-total').waitFor();
    await ui.screenshot('front-door-01-public');

    // 2. From there to sign in; she has no account, so her number signs her up.
    await page.getByRole('link', { name: /登录/ }).first().click();
    await page.getByTestId('login-phone').fill(HER_PHONE);
    await page.getByTestId('send-code').click();
    await page.getByTestId('code-sent').waitFor();
    await expect.poll(() => textsToHer().length, SOON).toBe(1);
    const [template, params] = textsToHer()[0]!;
    expect(template).toBe(TEMPLATES['auth.sms_code']);
    expect(params.code).toMatch(/^\d{6}$/);
    await page.getByTestId('login-code').fill(params.code!);
    await page.getByTestId('login-submit').click();
    await page.waitForURL(/\/m\/cases/);
    await ui.screenshot('front-door-02-signed-up');

    // 3. She wants her cases' progress and the request to rate them by SMS too, at any hour.
    await page.getByTestId('tab-notifications').click();
    await page.getByTestId('open-message-settings').click();
    for (const kind of ['case.progress', 'case.rate_request']) {
      const choice = page.getByTestId(`message-kind-${kind}`);
      await choice.waitFor();
      await choice.getByLabel('短信').check();
    }
    const quiet = page.getByTestId('quiet-switch');
    if ((await quiet.getAttribute('aria-checked')) === 'true') await quiet.click();
    await page.getByRole('button', { name: /保\s*存/ }).click();
    await page.getByTestId('message-settings-saved').waitFor();

    // 4. 说出来，不用选: she describes it and the item is suggested and chosen for her.
    await page.goto(`${server.baseUrl}/m/cases/new`);
    await page.getByTestId('report-form').waitFor();
    await page.getByLabel('问题描述').fill('楼上每天夜里拖动家具');
    await expect.poll(() => suggestedCodes(page), SOON).toContain('LL-002*');
    expect(await page.getByTestId('category-chosen').innerText()).toBe('邻居生活噪声扰民');
    await page.getByTestId('use-location').click();
    await page.getByTestId('pinned').waitFor();
    await ui.screenshot('front-door-03-described');
    const caseId = await submitReport(page);
    const detail = page.getByTestId('case-detail');
    expect(caseId).toBeDefined();
    const number = await page.getByTestId('case-number').innerText();
    expect(await page.getByTestId('case-handler').innerText()).toBe('营门滩社区');

    // 5. The secretary of 营门滩社区 accepts and resolves it in the console.
    desk = await deskContext(browser);
    const staffPage = await desk.newPage();
    staffPage.setDefaultTimeout(20_000);
    const staffUi = consoleOf(staffPage);
    onTestFailed(() => staffUi.screenshot('front-door-staff-failure'));
    await staffPage.goto(`${server.baseUrl}/`);
    await staffUi.signIn('yingmentan_sj', DEMO_PASSWORD);
    await staffPage.getByTestId('workbench').waitFor();
    await handleInConsole(staffPage, caseId!, number, '已上门与楼上住户沟通，对方承诺夜间不再拖动家具并加装静音垫');

    // 6. She is told in the app …
    await page.getByTestId('tab-notifications').click();
    const told = page.getByTestId('notification').filter({ hasText: number });
    await expect.poll(() => told.count(), SOON).toBeGreaterThan(0);
    await page
      .getByTestId('notification')
      .filter({ hasText: `${number} 已办结` })
      .first()
      .waitFor();
    await ui.screenshot('front-door-04-told');
    // … and by SMS, in Chinese words the template fills in
    const bySms = (kind: string) => textsToHer().filter(([t]) => t === TEMPLATES[kind]);
    await expect.poll(() => bySms('case.progress').map(([, p]) => p.state), SOON).toContain('已签收');
    await expect.poll(() => bySms('case.rate_request').map(([, p]) => p.number), SOON).toEqual([number]);
    expect(bySms('case.progress').every(([, p]) => p.number === number)).toBe(true);
    // the sign-up code went once and only once
    expect(textsToHer().filter(([t]) => t === TEMPLATES['auth.sms_code'])).toHaveLength(1);

    // 7. She opens her case and rates it.
    await page.goto(`${server.baseUrl}/m/cases/${caseId}`);
    await expect.poll(() => detail.getAttribute('data-status'), SOON).toBe('resolved');
    const rating = page.getByTestId('rating-form');
    await rating.waitFor();
    await rating.locator('.ant-rate-star').nth(4).locator('[role=radio]').click();
    await rating.getByText('已解决', { exact: true }).click();
    const rated = page.waitForResponse(
      (r) => r.url().endsWith(`/api/v1/my/cases/${caseId}/rating`) && r.request().method() === 'POST',
    );
    await rating.getByRole('button', { name: '提交评价' }).click();
    expect((await rated).status()).toBe(200);
    await expect.poll(() => detail.getAttribute('data-status'), SOON).toBe('closed');
    await ui.screenshot('front-door-05-rated');
    // every request the provider accepted was signed the way Aliyun checks it
    expect(sms.rejected).toBe(0);
    expect(pageErrors).toEqual([]);
  });
});
