import type { Page } from 'playwright-core';
import type { RunningServer } from './server';

/** `13900000002` → `139****0002`, as the log SMS adapter writes the number. */
const masked = (phone: string) => `${phone.slice(0, 3)}****${phone.slice(-4)}`;

/**
 * Signs a demo resident in on the phone page open in `page` (it shows the resident sign-in): asks for a
 * code, reads the newest one the log SMS adapter wrote for her number (the outbox sends it within
 * seconds, later on a loaded machine), enters it. A code sent before this call is never taken.
 */
export async function signInResident(page: Page, server: RunningServer, phone: string): Promise<void> {
  const linesFor = () =>
    server
      .output()
      .split('\n')
      .filter((l) => l.includes(`sms to ${masked(phone)} (auth.sms_code)`));
  const before = linesFor().length;
  await page.getByTestId('login-phone').fill(phone);
  await page.getByTestId('send-code').click();
  const deadline = Date.now() + 60_000;
  let code: string | undefined;
  while (code === undefined) {
    const fresh = linesFor().slice(before);
    code = /验证码为 (\d{6})/.exec(fresh.at(-1) ?? '')?.[1];
    if (code !== undefined) break;
    if (Date.now() > deadline) throw new Error(`no code for ${masked(phone)} in the server log`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await page.getByTestId('login-code').fill(code);
  await page.getByTestId('login-submit').click();
}
