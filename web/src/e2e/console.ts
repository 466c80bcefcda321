import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

const SCREENSHOTS = path.join(import.meta.dirname, 'screenshots');

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** Page-object helpers for the desktop console, named after what a user does. */
export function consoleOf(page: Page) {
  const visibleDropdown = () => page.locator('.ant-select-dropdown:visible');

  return {
    page,

    async screenshot(name: string) {
      fs.mkdirSync(SCREENSHOTS, { recursive: true });
      await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
    },

    async signIn(username: string, password: string) {
      await page.getByLabel('用户名', { exact: true }).fill(username);
      await page.getByLabel('密码', { exact: true }).fill(password);
      await page.getByRole('button', { name: /登\s*录/ }).click();
    },

    async changePassword(current: string, next: string) {
      await page.getByLabel('当前密码', { exact: true }).fill(current);
      await page.getByLabel('新密码', { exact: true }).fill(next);
      await page.getByLabel('确认新密码', { exact: true }).fill(next);
      await page.getByRole('button', { name: '修改密码' }).click();
    },

    async signOut() {
      await page.getByRole('button', { name: '退出登录' }).click();
      await page.getByLabel('用户名', { exact: true }).waitFor();
    },

    async openSection(label: string) {
      await page.getByRole('menuitem', { name: label }).click();
    },

    treeNode(name: string) {
      return page.locator('[role=treeitem]', { has: page.locator('.tz-tree-title', { hasText: name }) }).first();
    },

    /** Expands each named unit in turn, then selects the last one. */
    async openInTree(path: string[]) {
      const last = path[path.length - 1];
      for (const name of path.slice(0, -1)) {
        const node = this.treeNode(name);
        await node.waitFor();
        if ((await node.getAttribute('aria-expanded')) !== 'true') {
          await node.locator('.ant-tree-switcher').click();
        }
      }
      if (last !== undefined) await this.treeNode(last).locator('.tz-tree-title').click();
    },

    /** Picks an option in an antd Select found by `select`, typing `search` first when given. */
    async pickOption(select: ReturnType<Page['locator']>, option: string, search?: string) {
      await select.click();
      if (search !== undefined) await page.keyboard.type(search, { delay: 20 });
      const item = visibleDropdown().locator('.ant-select-item-option', { hasText: option }).first();
      await item.waitFor();
      await item.click();
      await visibleDropdown().waitFor({ state: 'hidden' });
    },

    /** Types into the org search box and returns the texts of the options (or the empty note). */
    async searchOrgs(text: string) {
      const box = page.getByTestId('org-search');
      await box.click();
      await page.keyboard.type(text, { delay: 20 });
      const dropdown = visibleDropdown();
      await dropdown.locator('.ant-select-item-option, .ant-select-item-empty').first().waitFor();
      await page.waitForTimeout(600);
      return dropdown.innerText();
    },
  };
}
