import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleOf, launchBrowser } from './console';
import { deskContext, phoneContext } from './fixtures';
import { startServer, type RunningServer } from './server';

/** The demo resident of 营门滩社区 bound to her household (docs/residents.md), a party member here. */
const HER_PHONE = '13900000003';
const HER_MASKED = '139****0003';
const PASSWORD = 'Tianzige@2026';

/**
 * Issue 14's story: a party member living in 营门滩 registers there (双报到) and the community confirms;
 * she claims a volunteer need on her phone, checks in and out by the QR code at the place (the link the
 * console shows), the secretary confirms her hours and she gets points; she redeems them for an item an
 * alliance unit donated, and the item's stock and her balance move together.
 */
describe('volunteering to the 积分超市', () => {
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
    for (let i = 0; i < 40; i++) {
      const lines = server
        .output()
        .split('\n')
        .filter((l) => l.includes(`sms to ${masked} (auth.sms_code)`));
      const code = /验证码为 (\d{6})/.exec(lines.at(-1) ?? '')?.[1];
      if (code !== undefined) return code;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error(`no code for ${masked}`);
  };
  const balanceOf = async (page: Page) =>
    Number((await page.getByTestId('points-balance').textContent())?.replace(/\D/g, ''));

  it('claims a need, checks in and out by QR, earns points and redeems a donated item', async () => {
    const phone = await (await phoneContext(browser)).newPage();
    await phone.goto(`${server.baseUrl}/m/me`);
    await phone.getByTestId('login-phone').fill(HER_PHONE);
    await phone.getByTestId('send-code').click();
    await phone.getByTestId('login-code').fill(await codeFor(HER_MASKED));
    await phone.getByTestId('login-submit').click();
    await phone.getByTestId('me-points').waitFor();

    const desk = consoleOf(await (await deskContext(browser)).newPage());
    await desk.page.goto(`${server.baseUrl}/`);
    await desk.signIn('yingmentan_sj', PASSWORD);
    await desk.page.getByRole('menuitem', { name: '积分与志愿' }).waitFor();

    // 双报到: she registers on her phone with 营门滩 where she lives; the secretary confirms it in the console
    await phone.getByTestId('me-dual').click();
    await phone.getByTestId('dual-community-search').locator('input').fill('营门滩');
    await phone.getByTestId('dual-community-search').locator('input').press('Enter');
    await phone.getByTestId('dual-form').locator('label').filter({ hasText: '营门滩社区' }).first().click();
    await phone.getByLabel('姓名').fill('营门滩党员');
    await phone.getByLabel('工作单位').fill('安宁区教育局');
    await phone.getByTestId('dual-submit').click();
    await phone.locator('[data-testid="dual-registration"][data-status="pending"]').first().waitFor();

    await desk.page.goto(`${server.baseUrl}/party`);
    await desk.page.getByRole('tab', { name: '双报到确认' }).click();
    const queue = desk.page.getByTestId('dual-queue');
    await queue
      .getByRole('row', { name: /营门滩党员/ })
      .getByTestId('dual-confirm')
      .click();
    await queue
      .getByRole('row', { name: /营门滩党员/ })
      .getByText('已报到')
      .waitFor();
    await phone.goto(`${server.baseUrl}/m/dual`);
    await phone.locator('[data-testid="dual-registration"][data-status="confirmed"]').first().waitFor();
    await phone.goto(`${server.baseUrl}/m/me`);

    // she claims the need on her phone
    await phone.getByTestId('me-points').click();
    await phone.getByTestId('points-balance').waitFor();
    const before = await balanceOf(phone);
    await phone.getByText('志愿服务', { exact: true }).click();
    const need = phone.locator('[data-testid=volunteer-activity][data-title=社区图书角整理]');
    await need.getByTestId('volunteer-signup').click();
    await need.locator('[data-testid=signup-state][data-status=signed]').waitFor();

    // the QR at the place: the console shows it (and its link); her camera opens the link
    await desk.openSection('积分与志愿');
    await desk.page
      .getByRole('row', { name: /社区图书角整理/ })
      .getByTestId('activity-open')
      .click();
    const scanUrl = (await desk.page.getByTestId('scan-url').textContent())!.trim();
    await phone.goto(scanUrl);
    await phone.locator('[data-testid=scan-result][data-status=checked_in]').waitFor();
    await phone.goto(scanUrl);
    await phone.locator('[data-testid=scan-result][data-status=checked_out]').waitFor();

    // the secretary confirms two hours (as the volunteer's sheet says); points by the rule: 10 an hour
    await desk.page.reload();
    await desk.page
      .getByRole('row', { name: /社区图书角整理/ })
      .getByTestId('activity-open')
      .click();
    await desk.page.getByRole('spinbutton', { name: '时长（分钟）' }).fill('120');
    await desk.page.getByTestId('confirm-hours').click();
    await desk.page.getByRole('cell', { name: '已确认' }).waitFor();
    await desk.screenshot('points-console-confirmed');

    await phone.goto(`${server.baseUrl}/m/points`);
    await phone.getByTestId('points-movement').first().waitFor();
    expect(await balanceOf(phone)).toBe(before + 20);
    expect(await phone.getByTestId('points-movement').first().textContent()).toContain('社区图书角整理');

    // an alliance unit's donation on the shelf: the secretary adds it, one left
    await desk.page.reload();
    await desk.page.getByRole('tab', { name: '积分超市' }).click();
    await desk.page.getByLabel('商品').fill('保温饭盒');
    await desk.page.getByLabel('积分价格').fill('20');
    await desk.page.getByLabel('库存').fill('1');
    await desk.page.getByLabel('捐赠单位').fill('兰州银滩惠民超市');
    await desk.page.getByRole('button', { name: '上架商品' }).click();
    await desk.page.getByRole('cell', { name: '保温饭盒' }).waitFor();

    await phone.getByText('积分超市', { exact: true }).click();
    const item = phone.locator('[data-testid=store-item][data-name=保温饭盒]');
    expect(await item.textContent()).toContain('兰州银滩惠民超市 捐赠');
    expect(await item.getByTestId('store-stock').textContent()).toBe('库存 1');
    await item.getByTestId('store-redeem').click();
    await phone
      .locator('.ant-popconfirm')
      .getByRole('button', { name: /兑\s*换/ })
      .click();
    await phone.getByText('兑换成功，请到社区领取').waitFor();
    await item.getByText('库存 0').waitFor();
    expect(await balanceOf(phone)).toBe(before);
    expect(await item.getByRole('button', { name: '已兑完' }).isDisabled()).toBe(true);
    await phone.screenshot({ path: 'src/e2e/screenshots/points-phone-store.png' });

    // the secretary hands it over
    await desk.page.reload();
    await desk.page.getByRole('tab', { name: '积分超市' }).click();
    await desk.page.getByTestId('redemption-pickup').first().click();
    await desk.page.getByText('已领取').first().waitFor();
  });
});
