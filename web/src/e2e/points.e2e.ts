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
  let phone: Page;
  let desk: ReturnType<typeof consoleOf>;

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
    phone = await (await phoneContext(browser)).newPage();
    await phone.goto(`${server.baseUrl}/m/me`);
    await phone.getByTestId('login-phone').fill(HER_PHONE);
    await phone.getByTestId('send-code').click();
    await phone.getByTestId('login-code').fill(await codeFor(HER_MASKED));
    await phone.getByTestId('login-submit').click();
    await phone.getByTestId('me-points').waitFor();

    desk = consoleOf(await (await deskContext(browser)).newPage());
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
  it('goes back month by month, and appeals a deduction the secretary recorded: once, decided in the console', async () => {
    // her name, as her household card shows it
    await phone.goto(`${server.baseUrl}/m/me`);
    const self = phone.getByTestId('household-member').filter({ hasText: '本人' });
    const herName = /^(.+?) ·/.exec((await self.locator('.ant-list-item-meta-title').textContent())!.trim())![1]!;

    // the secretary records a good deed, then an item of the negative list, on her account
    await desk.page.goto(`${server.baseUrl}/`);
    await desk.openSection('积分与志愿');
    await desk.page.getByRole('tab', { name: '记分与申诉' }).click();
    const record = async (rule: RegExp, note: string) => {
      await desk.page.getByTestId('event-resident').click();
      await desk.page.getByTestId('event-resident').locator('input').fill(herName);
      await desk.page.locator('.ant-select-item-option', { hasText: herName }).first().click();
      await desk.page.getByTestId('event-rule').click();
      await desk.page.locator('.ant-select-item-option', { hasText: rule }).click();
      await desk.page.getByLabel('说明').fill(note);
      await desk.page.getByTestId('event-submit').click();
      await desk.page
        .getByText(/已记录：-?\d+ 分/)
        .last()
        .waitFor();
    };
    await record(/好人好事/, '帮邻居修水管');
    await record(/乱扔垃圾/, '楼道堆放垃圾');

    // a second page of hers, opened before she appeals, still offers the button
    const stale = await phone.context().newPage();
    await stale.goto(`${server.baseUrl}/m/points`);
    const staleDeduction = stale.locator('[data-testid=points-movement][data-kind=deduct]', {
      hasText: '楼道堆放垃圾',
    });
    await staleDeduction.getByTestId('points-appeal').waitFor();

    await phone.goto(`${server.baseUrl}/m/points`);
    const balance = await balanceOf(phone);
    const deduction = phone.locator('[data-testid=points-movement][data-kind=deduct]', { hasText: '楼道堆放垃圾' });
    await deduction.getByTestId('points-appeal').click();
    await phone.getByTestId('appeal-reason').fill('堆放的是邻居装修的垃圾，不是我家的');
    await phone.getByTestId('appeal-submit').click();
    await phone.getByText('申诉已提交，社区核实后答复').waitFor();
    await deduction.locator('[data-testid=points-appeal-state][data-status=open]').waitFor();
    expect(await deduction.getByTestId('points-appeal-state').textContent()).toBe('申诉处理中');
    expect(await deduction.getByTestId('points-appeal').count()).toBe(0);

    // a second appeal of the same deduction is refused, and the phone says why
    await staleDeduction.getByTestId('points-appeal').click();
    await stale.getByTestId('appeal-reason').fill('再申诉一次');
    await stale.getByTestId('appeal-submit').click();
    expect(await stale.getByTestId('appeal-error').textContent()).toContain('这笔扣分已经申诉过');
    await stale.close();

    // the month switcher: the statement of last month, never one after this month
    const thisMonth = await phone.getByTestId('points-month').getAttribute('data-month');
    expect(await phone.getByTestId('points-next-month').isDisabled()).toBe(true);
    await phone.getByTestId('points-prev-month').click();
    const [y, m] = thisMonth!.split('-').map(Number) as [number, number];
    const lastMonth = m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
    await phone.locator(`[data-testid=points-month][data-month="${lastMonth}"]`).waitFor();
    expect(new URL(phone.url()).searchParams.get('month')).toBe(lastMonth);
    await phone.getByText(`${lastMonth} 月度明细`).waitFor();
    expect(await phone.getByTestId('points-movement').filter({ hasText: '楼道堆放垃圾' }).count()).toBe(0);
    await phone.getByTestId('points-next-month').click();
    await phone.locator(`[data-testid=points-month][data-month="${thisMonth}"]`).waitFor();
    expect(await phone.getByTestId('points-next-month').isDisabled()).toBe(true);
    await phone.goto(`${server.baseUrl}/m/points?month=2999-01`);
    await phone.locator(`[data-testid=points-month][data-month="${thisMonth}"]`).waitFor();

    // the secretary upholds it in the console; her phone shows the state and the points back
    await desk.page.reload();
    await desk.page.getByRole('tab', { name: '记分与申诉' }).click();
    const row = desk.page.getByTestId('appeal-queue').getByRole('row', { name: new RegExp(herName) });
    await row.getByTestId('appeal-grant').click();
    await row.locator('[data-testid=appeal-status][data-status=granted]').waitFor();
    await desk.screenshot('points-console-appeals');

    await phone.goto(`${server.baseUrl}/m/points`);
    await deduction.locator('[data-testid=points-appeal-state][data-status=granted]').waitFor();
    expect(await deduction.getByTestId('points-appeal-state').textContent()).toBe('申诉成立，积分已返还');
    expect(await balanceOf(phone)).toBe(balance + 10);
    await phone.screenshot({ path: 'src/e2e/screenshots/points-phone-appeal.png' });
  });
  it('shows the alliance’s needs and resources lists, and the street adds to each', async () => {
    const street = consoleOf(await (await deskContext(browser)).newPage());
    await street.page.goto(`${server.baseUrl}/`);
    await street.signIn('yintanlu', PASSWORD);
    await street.openSection('党建与双报到');
    await street.page.getByRole('tab', { name: '党建联盟' }).click();
    const needs = street.page.getByTestId('alliance-needs');
    const resources = street.page.getByTestId('alliance-resources');
    await needs.getByRole('row', { name: /积分超市物资/ }).waitFor();
    await resources.getByRole('row', { name: /每月捐赠生活用品.*兰州银滩惠民超市/ }).waitFor();

    const needCard = street.page.getByTestId('alliance-needs-card');
    await needCard.getByPlaceholder('名称').fill('楼院照明改造');
    await needCard.getByRole('button', { name: /添\s*加/ }).click();
    await needs.getByRole('row', { name: /楼院照明改造/ }).waitFor();
    expect(await needCard.getByPlaceholder('名称').inputValue()).toBe('');

    // a resource names the unit that offers it: without one it cannot be added
    const resourceCard = street.page.getByTestId('alliance-resources-card');
    await resourceCard.getByPlaceholder('名称').fill('捐赠节日慰问品');
    expect(await resourceCard.getByRole('button', { name: /添\s*加/ }).isDisabled()).toBe(true);
    await resourceCard.locator('.ant-select').click();
    await street.page.locator('.ant-select-item-option', { hasText: '银滩路小学' }).click();
    await resourceCard.getByRole('button', { name: /添\s*加/ }).click();
    await resources.getByRole('row', { name: /捐赠节日慰问品.*银滩路小学/ }).waitFor();
    await street.screenshot('party-alliance-lists');
  });
});
