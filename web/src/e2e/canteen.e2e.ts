import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleOf, launchBrowser } from './console';
import { phoneContext } from './fixtures';
import { startServer, type RunningServer } from './server';

/** The demo's bound resident of 砂岗村 (docs/residents.md), a regular diner of its canteen, aged 80+. */
const HER_PHONE = '13900000004';
const HER_MASKED = '139****0004';
const PASSWORD = 'Tianzige@2026';

/** Calls the API from a signed-in page, as the app's client does (session cookie and CSRF header). */
async function callApi<T>(page: Page, method: string, url: string): Promise<T> {
  return page.evaluate(
    async ({ method, url }) => {
      const csrf = document.cookie
        .split('; ')
        .find((p) => p.startsWith('tz_csrf='))
        ?.slice('tz_csrf='.length);
      const res = await fetch(url, {
        method,
        headers: csrf ? { 'x-csrf-token': decodeURIComponent(csrf) } : {},
      });
      return (await res.json()) as T;
    },
    { method, url },
  ) as Promise<T>;
}

/** The day after `day` (YYYY-MM-DD). */
const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
/** Today in Lanzhou. */
const shanghaiToday = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`;

/** An antd picker or number box found by its test id: the input itself or the one inside it. */
const inputOf = (page: Page, testId: string): Locator =>
  page.locator(`input[data-testid="${testId}"], [data-testid="${testId}"] input`).first();

/** Types a value into an antd DatePicker and confirms it with Enter. */
async function pickDate(page: Page, testId: string, value: string) {
  const input = inputOf(page, testId);
  await input.click();
  await input.fill(value);
  await input.press('Enter');
  await expect.poll(() => input.inputValue()).toBe(value);
}

interface Bill {
  name: string;
  meals: number;
  costFen: number;
  paidByDinerFen: number;
  paidBySubsidyFen: number;
}

/**
 * Issue 13's canteen story in 砂岗村: the canteen clerk sets tomorrow's lunch and dinner; the diner orders
 * both on her phone for ¥10 together (she is over 80); at meal time a diner is signed in by tapping her
 * name; the delivery list shows those who cannot walk, by route; the month's bill splits what she pays
 * from what the subsidy pays, and the reconciliation adds up to the fen.
 */
describe('幸福食堂: menu, phone order, sign-in, delivery and the month’s bill', () => {
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

  const codeFor = async (masked: string) => {
    await expect
      .poll(() => server.output().includes(`sms to ${masked} (auth.sms_code)`), { timeout: 20_000 })
      .toBe(true);
    const lines = server
      .output()
      .split('\n')
      .filter((l) => l.includes(`sms to ${masked} (auth.sms_code)`));
    return /验证码为 (\d{6})/.exec(lines.at(-1) ?? '')![1]!;
  };

  it('runs a day of the canteen from the clerk’s desk and the diner’s phone', async () => {
    const tomorrow = nextDay(shanghaiToday());
    const month = tomorrow.slice(0, 7);

    // the clerk, at her desk in Lanzhou
    const deskContext = await browser.newContext({
      viewport: { width: 1440, height: 900 },
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
      reducedMotion: 'reduce',
    });
    const desk = consoleOf(await deskContext.newPage());
    await desk.page.goto(`${server.baseUrl}/`);
    await desk.signIn('shagang_st', PASSWORD);
    await desk.openSection('幸福食堂');
    await desk.page.getByText('砂岗村 · 砂岗村幸福食堂').waitFor();

    // she sets tomorrow's lunch and dinner, with the price of each tier
    const setMenu = async (meal: '午餐' | '晚餐', dishes: string, prices: [number, number, number, number]) => {
      await pickDate(desk.page, 'canteen-menu-day', tomorrow);
      await desk.pickOption(desk.page.getByTestId('canteen-menu-meal'), meal);
      await inputOf(desk.page, 'canteen-menu-dishes').fill(dishes);
      for (const [i, field] of (['cost', 'standard', 'senior', 'dibao'] as const).entries())
        await inputOf(desk.page, `canteen-menu-${field}`).fill(String(prices[i]));
      await desk.page.getByTestId('canteen-menu-save').click();
      await desk.page.getByRole('cell', { name: dishes, exact: true }).waitFor();
    };
    await setMenu('午餐', '手抓羊肉、臊子面', [10, 7, 6, 3]);
    await setMenu('晚餐', '浆水面、花卷', [8, 5, 4, 2]);
    await desk.screenshot('canteen-console-menus');

    // the diner signs in on her phone with a code by SMS and opens 幸福食堂
    const phone = await (await phoneContext(browser)).newPage();
    await phone.goto(`${server.baseUrl}/m/me`);
    await phone.getByTestId('login-phone').fill(HER_PHONE);
    await phone.getByTestId('send-code').click();
    await phone.getByTestId('login-code').fill(await codeFor(HER_MASKED));
    await phone.getByTestId('login-submit').click();
    await phone.getByTestId('login-submit').waitFor({ state: 'detached' });
    await phone.goto(`${server.baseUrl}/m/canteen`);
    const balanceOf = async () =>
      Number((await phone.getByTestId('canteen-balance').textContent())!.replace(/[^\d.]/g, ''));
    await phone.getByTestId('canteen-balance').waitFor();
    const before = await balanceOf();
    const code = (await phone.getByTestId('canteen-code').textContent())!.trim();

    // the month's bill before she orders (the API the bills page reads)
    const canteenId = (await callApi<{ items: { id: string }[] }>(desk.page, 'GET', '/api/v1/canteens')).items[0]!.id;
    const { items: diners } = await callApi<{ items: { name: string; code: string; needsDelivery: boolean }[] }>(
      desk.page,
      'GET',
      `/api/v1/canteens/${canteenId}/diners`,
    );
    const herName = diners.find((d) => d.code === code)!.name;
    const billOf = async () =>
      (
        await callApi<{ items: Bill[] }>(desk.page, 'GET', `/api/v1/canteens/${canteenId}/bills?month=${month}`)
      ).items.find((b) => b.name === herName) ?? { meals: 0, costFen: 0, paidByDinerFen: 0, paidBySubsidyFen: 0 };
    const billBefore = await billOf();

    // tomorrow's lunch and dinner, the clerk's dishes at her price (80+): ¥6 and ¥4
    for (const [meal, dishes, price] of [
      ['lunch', '手抓羊肉、臊子面', '¥6.00'],
      ['dinner', '浆水面、花卷', '¥4.00'],
    ] as const) {
      const card = phone.getByTestId(`canteen-menu-${tomorrow}-${meal}`);
      await card.getByText(dishes).waitFor();
      expect(await card.getByTestId('canteen-my-price').textContent()).toBe(price);
      await card.getByTestId('canteen-order').click();
      await card.getByText('已订', { exact: true }).waitFor();
    }
    await expect.poll(() => phone.getByTestId('canteen-ordered-total').textContent()).toBe('已订 2 餐，共 ¥10.00');
    await expect.poll(balanceOf).toBe(Number((before - 10).toFixed(2)));
    await phone.screenshot({ path: `${import.meta.dirname}/screenshots/canteen-phone-ordered.png`, fullPage: true });

    // at today's lunch the clerk signs a diner in by tapping her name
    await desk.page.getByRole('tab', { name: '订餐与签到' }).click();
    const count = desk.page.getByText(/^共 \d+ 份，已签到 \d+ 份$/);
    await count.waitFor();
    const served = async () => Number(/已签到 (\d+) 份/.exec((await count.textContent()) ?? '')![1]);
    const servedBefore = await served();
    const waiting = desk.page.locator('[data-testid=canteen-signin-name][data-served=no]').first();
    const name = (await waiting.textContent())!.replace('送餐上门', '').trim();
    await waiting.click();
    await desk.page.locator('.ant-message').getByText(`${name} 已签到`).waitFor();
    await expect.poll(served).toBe(servedBefore + 1);
    await desk.page.locator('[data-testid=canteen-signin-name][data-served=yes]', { hasText: name }).waitFor();

    // tomorrow's delivery list: the diners who cannot walk, by route and volunteer — not her
    await desk.page.getByRole('tab', { name: '送餐上门' }).click();
    await pickDate(desk.page, 'canteen-delivery-day', tomorrow);
    const groups = desk.page.getByTestId('canteen-delivery-group');
    await groups.first().waitFor();
    const listed = await groups.locator('tbody tr td:first-child').allTextContents();
    const walkers = diners.filter((d) => !d.needsDelivery).map((d) => d.name);
    expect(listed.length).toBeGreaterThanOrEqual(4);
    expect(listed.filter((n) => walkers.includes(n))).toEqual([]);
    expect(listed).not.toContain(herName);
    expect(await groups.first().locator('.ant-card-head').textContent()).toMatch(/线 · 志愿者/);
    await desk.screenshot('canteen-console-delivery');

    // the month's bill: her two meals cost ¥18, she pays ¥10 and the subsidy ¥8; the month reconciles
    const billAfter = await billOf();
    expect(billAfter.meals - billBefore.meals).toBe(2);
    expect(billAfter.paidByDinerFen - billBefore.paidByDinerFen).toBe(1000);
    expect(billAfter.paidBySubsidyFen - billBefore.paidBySubsidyFen).toBe(800);
    expect(billAfter.costFen).toBe(billAfter.paidByDinerFen + billAfter.paidBySubsidyFen);
    await desk.page.getByRole('tab', { name: '账单与对账' }).click();
    await pickDate(desk.page, 'canteen-bills-month', month);
    const row = desk.page.getByTestId('canteen-bills').getByRole('row', { name: new RegExp(herName) });
    await expect
      .poll(async () => (await row.locator('td').allTextContents()).join(' '))
      .toBe(
        [
          herName,
          String(billAfter.meals),
          yuan(billAfter.costFen),
          yuan(billAfter.paidByDinerFen),
          yuan(billAfter.paidBySubsidyFen),
        ].join(' '),
      );
    const rec = desk.page.getByTestId('canteen-reconciliation');
    expect(await rec.getAttribute('data-balanced')).toBe('yes');
    const recText = (await rec.textContent())!;
    const [cost, paid, subsidy] = [...recText.matchAll(/¥([\d.]+)/g)]
      .slice(0, 3)
      .map((m) => Math.round(Number(m[1]) * 100));
    expect(cost).toBe(paid! + subsidy!);
    await desk.screenshot('canteen-console-bills');
  });
});
