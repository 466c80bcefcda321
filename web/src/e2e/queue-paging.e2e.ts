import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { consoleOf, launchBrowser } from './console';
import { deskContext } from './fixtures';
import { startServer, type RunningServer } from './server';

const DEMO_PASSWORD = 'Tianzige@2026';

interface QueuePage {
  items: { number: string }[];
  total: number;
  nextCursor: string | null;
  prevCursor: string | null;
}

/** The queue as the API gives it to the signed-in user of `page` (her session cookie). */
async function queueOf(page: Page, baseUrl: string, query: string): Promise<QueuePage> {
  const response = await page.request.get(`${baseUrl}/api/v1/cases?${query}`);
  if (!response.ok()) throw new Error(`GET cases?${query}: ${response.status()} ${await response.text()}`);
  return (await response.json()) as QueuePage;
}

/** The case numbers the table shows, top to bottom. */
async function shownNumbers(page: Page): Promise<string[]> {
  await page.getByTestId('case-table').locator('.ant-spin-spinning').waitFor({ state: 'detached' });
  return page
    .getByTestId('case-table')
    .locator('tbody tr.ant-table-row td:first-child a')
    .evaluateAll((links) => links.map((a) => a.textContent ?? ''));
}

describe('paging a street’s case queue', () => {
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startServer({ demo: true });
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('pages forward and back by cursor as the API does, and a hand-edited position offers the first page', async () => {
    onTestFailed(() => console.log(server.output().slice(-4000)));
    const desk = consoleOf(await (await deskContext(browser)).newPage());
    const page = desk.page;
    await page.goto(`${server.baseUrl}/`);
    await desk.signIn('yintanlu', DEMO_PASSWORD);
    await page.getByRole('menuitem').first().waitFor();

    const first = await queueOf(page, server.baseUrl, 'queue=all&pageSize=20');
    // the demo street holds more than one page; otherwise this story shows nothing
    expect(first.total).toBeGreaterThan(20);
    expect(first.nextCursor).not.toBeNull();
    const second = await queueOf(page, server.baseUrl, `queue=all&pageSize=20&cursor=${first.nextCursor}`);

    await page.goto(`${server.baseUrl}/cases?queue=all`);
    const pager = page.getByTestId('case-pager');
    await pager.getByText(`共 ${first.total} 条`).waitFor();
    expect(await shownNumbers(page)).toEqual(first.items.map((c) => c.number));
    expect(await page.getByTestId('page-prev').isDisabled()).toBe(true);

    // 下一页: the next 20, none of them on the first page, and the position is in the address
    await page.getByTestId('page-next').click();
    await page.waitForURL(/cursor=/);
    await expect.poll(() => shownNumbers(page)).toEqual(second.items.map((c) => c.number));
    expect(second.items.some((c) => first.items.some((f) => f.number === c.number))).toBe(false);
    const secondUrl = page.url();

    // the address can be shared: opening it again shows the same page
    await page.goto(secondUrl);
    await expect.poll(() => shownNumbers(page)).toEqual(second.items.map((c) => c.number));

    // 上一页 brings back the first page exactly
    await page.getByTestId('page-prev').click();
    await expect.poll(() => shownNumbers(page)).toEqual(first.items.map((c) => c.number));

    // a position edited by hand is not an empty queue: she is told, and offered the first page
    const edited = new URL(secondUrl);
    edited.searchParams.set('cursor', `${edited.searchParams.get('cursor')}x`);
    await page.goto(edited.toString());
    const error = page.getByTestId('queue-error');
    await error.waitFor();
    expect(await error.textContent()).toContain('这一页的位置无效');
    expect(await pager.getByText('共 0 条').count()).toBe(0);
    await error.getByTestId('queue-first-page').click();
    await expect.poll(() => new URL(page.url()).searchParams.has('cursor')).toBe(false);
    await expect.poll(() => shownNumbers(page)).toEqual(first.items.map((c) => c.number));
    await pager.getByText(`共 ${first.total} 条`).waitFor();
  });
});
