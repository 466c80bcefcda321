import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './console';
import { phoneContext } from './fixtures';
import { startServer, type RunningServer } from './server';

/** The demo resident of 营门滩社区 bound to her household (docs/residents.md). */
const BOUND_PHONE = '13900000003';

/**
 * A resident signs in on her phone with a code from the `log` SMS adapter (read from the server's
 * output, as the README tells a demo user to), sees the code-sent state and a wrong code's error beside
 * the field, then her household masked on 我的; a new number signs up and lands on the page she asked for.
 */
describe('residents sign in by SMS code', () => {
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

  /** The latest code the log adapter wrote for a masked number. */
  const codeFor = (masked: string) => {
    const lines = server
      .output()
      .split('\n')
      .filter((l) => l.includes(`sms to ${masked} (auth.sms_code)`));
    return /验证码为 (\d{6})/.exec(lines.at(-1) ?? '')?.[1];
  };
  const waitForCode = async (masked: string, before: string | undefined) => {
    for (let i = 0; i < 40; i++) {
      const code = codeFor(masked);
      if (code !== undefined && code !== before) return code;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error(`no code for ${masked} in the server log`);
  };
  const askCode = async (page: Page, phone: string) => {
    await page.getByTestId('login-phone').fill(phone);
    await page.getByTestId('send-code').click();
    await page.getByTestId('code-sent').waitFor();
  };

  it('signs the bound demo resident in and shows her household masked', async () => {
    const page = await (await phoneContext(browser)).newPage();
    await page.goto(`${server.baseUrl}/m/me`);
    await askCode(page, BOUND_PHONE);
    expect(await page.getByTestId('code-sent').textContent()).toContain('139****0003');
    expect(await page.getByTestId('send-code').isDisabled()).toBe(true);
    const code = await waitForCode('139****0003', undefined);
    await page.getByTestId('login-code').fill(code === '000000' ? '111111' : '000000');
    await page.getByTestId('login-submit').click();
    await page.getByText('验证码不正确，还可再试 4 次').waitFor();
    await page.getByTestId('login-code').fill(code);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('my-household').waitFor();
    expect(await page.getByTestId('binding-state').getAttribute('data-status')).toBe('bound');
    const text = (await page.getByTestId('my-household').textContent()) ?? '';
    expect(text).toContain('营门滩社区');
    expect(text).toMatch(/\d{10}\*{8}/);
    expect(text).not.toMatch(/\d{17}[\dX]/);
    expect(await page.getByTestId('household-member').count()).toBeGreaterThan(0);
  });

  it('signs a new number up and takes her to the page she opened, unbound', async () => {
    const page = await (await phoneContext(browser)).newPage();
    await page.goto(`${server.baseUrl}/m/cases/new`);
    await askCode(page, '13712345678');
    await page.getByTestId('login-code').fill(await waitForCode('137****5678', undefined));
    await page.getByTestId('login-submit').click();
    await page.getByText('问题描述').first().waitFor();
    expect(new URL(page.url()).pathname).toBe('/m/cases/new');
    await page.getByTestId('tab-me').click();
    await page.getByTestId('bind-name').waitFor();
    expect(await page.getByTestId('binding-state').getAttribute('data-status')).toBe('none');
  });
});
