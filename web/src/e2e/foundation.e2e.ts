import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { consoleOf, launchBrowser } from './console';
import { startServer, type RunningServer } from './server';

const ADMIN_NEW_PASSWORD = 'Lanzhou#2025admin';
const WORKER_NEW_PASSWORD = 'Grid-Worker-2025';
const COMMUNITY_PATH = ['甘肃省', '兰州市', '安宁区', '银滩路街道', '营门滩社区'];
const OUT_OF_SCOPE_CODE = '620102002002';
const SOON = { timeout: 15_000, interval: 100 };
/** A grid named with markup: every screen, the map's tooltips included, must show it as text. */
const GRID_NAME = '第一网格<b>x</b><img src=x onerror="window.__tzInjected=1">';

describe('foundation: a community gets a grid and a grid worker who sees only her grid', () => {
  let server: RunningServer;
  let browser: Browser;
  let context: BrowserContext;

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    // reduced motion turns antd and Leaflet animations off, so clicks never land mid-animation
    context = await browser.newContext({
      viewport: { width: 1440, height: 900 },
      locale: 'zh-CN',
      reducedMotion: 'reduce',
    });
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.stop();
  });

  it('walks from first sign-in to a scoped grid worker', async () => {
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    const ui = consoleOf(page);
    onTestFailed(() => ui.screenshot('failure'));

    // The admin signs in with the printed password and is made to change it first.
    await page.goto(server.baseUrl);
    await ui.screenshot('01-login');
    await ui.signIn('admin', server.adminPassword);
    await page.getByText('为了账号安全').waitFor();
    await expect.poll(() => page.getByRole('menuitem').count(), SOON).toBe(0);
    await page.getByLabel('新密码', { exact: true }).fill('short');
    await ui.screenshot('02-forced-password-change');
    await ui.changePassword(server.adminPassword, ADMIN_NEW_PASSWORD);

    // She lands on her workbench (工作台); the org tree opens at her scope and she walks down to 营门滩社区.
    await page.getByTestId('workbench').waitFor();
    expect(new URL(page.url()).pathname).toBe('/workbench');
    await ui.openSection('组织架构');
    await page.getByRole('menuitem', { name: '审计日志' }).waitFor();
    await page.getByRole('treeitem').first().waitFor();
    if (!(await ui.treeNode('甘肃省').isVisible())) {
      await page.getByRole('treeitem').first().locator('.ant-tree-switcher').click();
    }
    await ui.openInTree(COMMUNITY_PATH);
    await expect.poll(() => page.getByTestId('org-name').innerText(), SOON).toBe('营门滩社区');
    await expect.poll(() => page.getByTestId('org-breadcrumb').innerText(), SOON).toContain('银滩路街道');
    await ui.screenshot('03-community');

    // She draws a grid on the map: first a crossed outline the server refuses, then a proper one.
    await page.getByRole('button', { name: /新建网格/ }).click();
    const form = page.getByTestId('create-org-form');
    await form.getByLabel('名称').fill(GRID_NAME);
    const map = page.getByTestId('org-map');
    for (let i = 0; i < 4; i++) await page.locator('.leaflet-control-zoom-in').click();
    await page.waitForTimeout(400);
    const box = await map.boundingBox();
    if (box === null) throw new Error('map not laid out');
    const at = (dx: number, dy: number) => ({ position: { x: box.width / 2 + dx, y: box.height / 2 + dy } });
    for (const [dx, dy] of [
      [-80, -60],
      [80, 60],
      [80, -60],
      [-80, 60],
    ] as const)
      await map.click(at(dx, dy));
    await form.getByRole('button', { name: '完成绘制' }).click();
    await form.getByRole('button', { name: /^新\s*建$/ }).click();
    await form.locator('.ant-form-item-explain-error').getByText('自相交').waitFor();
    await ui.screenshot('04-geometry-error');

    await form.getByRole('button', { name: '清除' }).click();
    await expect.poll(() => form.locator('.ant-form-item-explain-error').count(), SOON).toBe(0);
    for (const [dx, dy] of [
      [-90, -70],
      [90, -70],
      [110, 60],
      [-70, 80],
    ] as const)
      await map.click(at(dx, dy));
    await expect.poll(() => form.getByTestId('vertex-count').innerText(), SOON).toContain('4');
    await ui.screenshot('05-drawing');
    await form.getByRole('button', { name: '完成绘制' }).click();
    await form.getByRole('button', { name: /^新\s*建$/ }).click();
    await expect.poll(() => form.count(), SOON).toBe(0);
    await page.locator('path.tz-feature.tz-level-grid').first().waitFor();
    await expect.poll(() => page.getByTestId('org-stats').innerText(), SOON).toContain('网格');
    // the grid's label on the map is its name as text: no element made from it, no script run
    const label = page.locator('.tz-map-label', { hasText: '第一网格' });
    await expect.poll(() => label.innerText(), SOON).toBe(GRID_NAME);
    expect(await label.locator('b, img').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __tzInjected?: number }).__tzInjected)).toBeUndefined();
    // No tile server is configured: the map is plain paper, yet it reads — the grid named in its middle,
    // the community (which has no outline of its own here) named in the map's corner.
    expect(await map.locator('.leaflet-tile').count()).toBe(0);
    await expect.poll(() => label.isVisible(), SOON).toBe(true);
    const caption = map.locator('.tz-map-caption');
    await expect.poll(() => caption.innerText(), SOON).toBe('营门滩社区');
    expect(await caption.isVisible()).toBe(true);
    await ui.screenshot('06-grid-on-map');

    // She creates a grid worker bound to the new grid and is shown the initial password once.
    await ui.openSection('用户与角色');
    await page.getByRole('button', { name: '新建用户' }).click();
    const userForm = page.getByTestId('create-user-form');
    await userForm.getByLabel('用户名', { exact: true }).fill('wangfang');
    await userForm.getByLabel('姓名', { exact: true }).fill('王芳');
    await ui.pickOption(userForm.getByTestId('role-select').first(), '网格员');
    await ui.pickOption(userForm.getByTestId('role-org-select').first(), '第一网格', '第一网格');
    await ui.screenshot('07-create-user');
    await page.getByRole('button', { name: /^新\s*建$/ }).click();
    const secret = page.getByTestId('secret-value');
    await secret.waitFor();
    const workerPassword = (await secret.innerText()).trim();
    expect(workerPassword.length).toBeGreaterThanOrEqual(8);
    await ui.screenshot('08-initial-password');
    await page.getByTestId('secret-close').click();
    await page.getByRole('cell', { name: 'wangfang' }).waitFor();
    await ui.screenshot('09-users');
    await ui.signOut();

    // The grid worker signs in, changes her generated password, and sees only her grid.
    await ui.signIn('wangfang', workerPassword);
    await page.getByText('为了账号安全').waitFor();
    await ui.changePassword(workerPassword, WORKER_NEW_PASSWORD);
    await page.getByTestId('workbench-visits_overdue').waitFor();
    await ui.openSection('组织架构');
    await expect.poll(() => page.getByRole('menuitem', { name: '用户与角色' }).count(), SOON).toBe(0);
    await expect.poll(() => page.getByRole('menuitem', { name: '审计日志' }).count(), SOON).toBe(0);
    await expect.poll(() => page.getByTestId('org-name').innerText(), SOON).toBe(GRID_NAME);
    await page.locator('path.tz-feature.tz-level-grid').first().waitFor();
    await ui.screenshot('10-worker-grid');

    const found = await ui.searchOrgs('山字石');
    expect(found).toContain('未找到匹配的组织');
    await ui.screenshot('11-worker-search');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('body').innerText(), SOON).not.toContain('山字石社区');
    expect(await ui.searchOrgs(OUT_OF_SCOPE_CODE)).toContain('未找到匹配的组织');
    await page.keyboard.press('Escape');

    const byCode = await page.request.get(`${server.baseUrl}/api/v1/orgs/by-code/${OUT_OF_SCOPE_CODE}`);
    expect(byCode.status()).toBe(404);
    const body = JSON.stringify(await byCode.json());
    expect(body).not.toContain('山字石');

    expect(pageErrors).toEqual([]);
  });
});
