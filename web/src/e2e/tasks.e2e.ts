import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleOf, launchBrowser } from './console';
import { deskContext } from './fixtures';
import { startServer, type RunningServer } from './server';

const PASSWORD = 'Tianzige@2026';
const MEETING = '冬季防火工作部署会（e2e）';
const FORM = '营门滩独居老人情况（e2e）';
const TEMPLATE = '独居老人分社区统计';
const YMT = '营门滩社区';

/**
 * Issue 16's story, as the people who do it click through it: 银滩路街道 sends a meeting notice to its
 * communities; 营门滩 is admitted and records attendance by video; 安宁区民政局 asks for the 独居老人 form
 * and 营门滩 answers it by generating it; 银滩路街道 returns it with a comment, 营门滩 answers again and
 * the street approves; the district sees the street's roll-up approved; a second department asking for
 * the same figures is offered the merge; the burden ledger shows the month's meetings, documents and
 * forms for 营门滩 from both sides (营门滩's own, and its senders').
 */
describe('任务准入: a meeting, a form up the hierarchy, a merge, the burden from both sides', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    server = await startServer({ demo: true });
    browser = await launchBrowser();
    page = await (await deskContext(browser)).newPage();
  });
  afterAll(async () => {
    await browser.close();
    await server.stop();
  });

  const desk = () => consoleOf(page);
  const as = async (username: string) => {
    await page.context().clearCookies();
    await page.goto(`${server.baseUrl}/tasks`);
    await desk().signIn(username, PASSWORD);
    await page.getByRole('button', { name: '退出登录' }).waitFor();
  };
  const openTask = async (tab: 'sent' | 'received', title: string) => {
    await page.goto(`${server.baseUrl}/tasks?tab=${tab}`);
    await page.locator(`[data-testid=tasks-${tab}] tr[data-title="${title}"]`).click();
    await page.getByTestId('task-drawer').getByTestId('task-outcomes').waitFor();
  };
  const outcomeRow = (org: string) => page.locator(`[data-testid=task-drawer] tr[data-org="${org}"]`).first();
  const modal = () => page.locator('.ant-modal:visible');
  /** The targets are a multiple select: it stays open after a pick, so close it by hand. */
  const pickTarget = async (name: string) => {
    await page.getByTestId('task-targets').click();
    await page.keyboard.type(name.slice(0, 3), { delay: 20 });
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: name }).first().click();
    await page.keyboard.press('Escape');
    await page.locator('.ant-select-dropdown:visible').waitFor({ state: 'hidden' });
  };
  /** Sends the filled form; when the same was sent this month, says which way (merge or separately). */
  const submitSend = async (choice: 'separately' | 'merge' | 'none') => {
    await page.getByTestId('task-send-submit').click();
    const overlap = page.getByTestId('task-overlap');
    const sent = page.getByTestId('task-sent');
    await overlap.or(sent).first().waitFor();
    if (await overlap.isVisible()) {
      expect(choice).not.toBe('none');
      await page
        .getByTestId(choice === 'merge' ? 'task-merge' : 'task-send-separately')
        .first()
        .click();
    }
    await sent.waitFor();
  };

  it('carries a meeting and a form to their end, merges a second request and shows the burden both ways', async () => {
    // 银滩路街道 sends a meeting notice to all its communities, video allowed
    await as('yintanlu');
    await page.getByTestId('task-send').click();
    await page.getByTestId('task-title').fill(MEETING);
    await page.getByTestId('task-kind').getByText('会议', { exact: true }).click();
    await desk().pickOption(page.getByTestId('task-duty-item'), 'AQ-001', 'AQ-001');
    const startsAt = page.getByTestId('meeting-starts-at');
    await startsAt.click();
    const tomorrow = new Date(Date.now() + 8 * 3_600_000 + 24 * 3_600_000).toISOString().slice(0, 10);
    await page.keyboard.type(`${tomorrow} 10:00`);
    await page.keyboard.press('Enter');
    await page.getByTestId('meeting-place').fill('银滩路街道三楼会议室');
    await page.getByTestId('meeting-video-url').fill('https://meeting.example.cn/fire');
    await page.getByTestId('meeting-attendees').click();
    await page.keyboard.type('社区书记');
    await page.keyboard.press('Enter');
    await page.getByTestId('meeting-allow-video').check();
    await page.getByRole('button', { name: /全选本区 \d+ 个社区/ }).click();
    await submitSend('separately');
    const sentRow = page.locator(`[data-testid=task-sent] tr[data-org="${YMT}"]`);
    expect(await sentRow.getAttribute('data-status')).toBe('admitted');
    await desk().screenshot('tasks-meeting-sent');

    // 营门滩 is admitted and records attendance by video
    await as('yingmentan_sj');
    await openTask('received', MEETING);
    await outcomeRow(YMT).getByTestId('task-record').click();
    await modal().getByTestId('record-attendance').getByText('视频参会').click();
    await modal().getByTestId('record-attendees').click();
    await page.keyboard.type('王书记');
    await page.keyboard.press('Enter');
    await modal()
      .getByRole('button', { name: /确\s*定|OK/ })
      .click();
    await outcomeRow(YMT).getByTestId('outcome-attendance').waitFor();
    expect(await outcomeRow(YMT).getByTestId('outcome-attendance').textContent()).toContain('视频参会');

    // 安宁区民政局 asks 营门滩 for the 独居老人 form
    await as('anning_mzj');
    await page.getByTestId('task-send').click();
    await page.getByTestId('task-title').fill(FORM);
    await desk().pickOption(page.getByTestId('task-duty-item'), 'YL-002', 'YL-002');
    await desk().pickOption(page.getByTestId('task-template'), TEMPLATE);
    await pickTarget(YMT);
    await submitSend('separately');
    expect(await page.locator(`[data-testid=task-sent] tr[data-org="${YMT}"]`).getAttribute('data-status')).toBe(
      'admitted',
    );

    // 营门滩 answers it by generating it
    await as('yingmentan_sj');
    await openTask('received', FORM);
    await outcomeRow(YMT).getByTestId('task-answer').click();
    await page.locator(`[data-testid=task-drawer] tr[data-org="${YMT}"][data-approval=submitted]`).waitFor();
    await page.getByTestId('task-answer-result').waitFor();

    // 银滩路街道 returns it with a comment
    await as('yintanlu');
    await openTask('received', FORM);
    await outcomeRow(YMT).getByTestId('task-return').click();
    await modal().getByTestId('return-comment').fill('请核对80岁以上独居老人人数');
    await modal()
      .getByRole('button', { name: /确\s*定|OK/ })
      .click();
    await page.locator(`[data-testid=task-drawer] tr[data-org="${YMT}"][data-approval=returned]`).waitFor();
    expect(await outcomeRow(YMT).getByTestId('outcome-comment').textContent()).toContain('请核对80岁以上');

    // 营门滩 answers again; the street approves
    await as('yingmentan_sj');
    await openTask('received', FORM);
    await outcomeRow(YMT).getByTestId('task-answer').click();
    await page.locator(`[data-testid=task-drawer] tr[data-org="${YMT}"][data-approval=submitted]`).waitFor();
    await as('yintanlu');
    await openTask('received', FORM);
    await outcomeRow(YMT).getByTestId('task-approve').click();
    await page.locator(`[data-testid=task-drawer] tr[data-org="${YMT}"][data-approval=approved]`).waitFor();
    await page.getByTestId('task-steps').waitFor();
    await desk().screenshot('tasks-form-approved-by-street');

    // the district approves the street's roll-up and sees it approved
    await as('anning');
    await openTask('received', FORM);
    const rollup = page.locator('[data-testid=task-rollups] tr[data-org="银滩路街道"]');
    await rollup.getByTestId('rollup-approve').click();
    await page.locator('[data-testid=task-rollups] tr[data-org="银滩路街道"][data-state=approved]').waitFor();
    await desk().screenshot('tasks-rollup-approved');

    // a second department asking for the same figures is offered the merge
    await as('anning_jyj');
    await page.getByTestId('task-send').click();
    await page.getByTestId('task-title').fill('独居老人情况（教育局）');
    await desk().pickOption(page.getByTestId('task-duty-item'), 'YL-002', 'YL-002');
    await desk().pickOption(page.getByTestId('task-template'), TEMPLATE);
    await pickTarget(YMT);
    await page.getByTestId('task-send-submit').click();
    await page.getByTestId('task-overlap').getByTestId('task-merge').first().waitFor();
    await desk().screenshot('tasks-merge-offered');
    await page.getByTestId('task-merge').first().click();
    await page.getByTestId('task-merged').waitFor();

    // the burden ledger, 营门滩's side: this month's meetings, documents and forms
    await as('yingmentan_sj');
    await page.goto(`${server.baseUrl}/burden`);
    await page.getByTestId('burden-totals').waitFor();
    const value = async (key: string) => Number(await page.getByTestId(`burden-${key}`).getAttribute('data-value'));
    await page.locator(`[data-testid=burden-senders] tr[data-sender="银滩路街道"]`).waitFor();
    expect(await value('meetingsAttended')).toBeGreaterThanOrEqual(1);
    expect(await value('documents')).toBeGreaterThanOrEqual(1);
    expect(await value('reportsAnswered')).toBeGreaterThanOrEqual(1);
    const street = page.locator(`[data-testid=burden-senders] tr[data-sender="银滩路街道"]`);
    expect(Number(await street.getAttribute('data-meetings'))).toBeGreaterThanOrEqual(1);
    const civil = page.locator(`[data-testid=burden-senders] tr[data-sender="安宁区民政局"]`);
    expect(Number(await civil.getAttribute('data-forms'))).toBeGreaterThanOrEqual(1);
    await desk().screenshot('tasks-burden-community');

    // and the senders' side: what 银滩路街道 and 安宁区民政局 asked of 营门滩
    await as('yintanlu');
    await page.goto(`${server.baseUrl}/burden`);
    const reached = page.locator(`[data-testid=burden-sent] tr[data-unit="${YMT}"]`);
    await reached.waitFor();
    expect(Number(await reached.getAttribute('data-meetings'))).toBeGreaterThanOrEqual(1);
    expect(Number(await reached.getAttribute('data-meetings-attended'))).toBeGreaterThanOrEqual(1);
    expect(Number(await reached.getAttribute('data-documents'))).toBeGreaterThanOrEqual(1);
    await desk().screenshot('tasks-burden-street-sent');
    await as('anning_mzj');
    await page.goto(`${server.baseUrl}/burden`);
    const asked = page.locator(`[data-testid=burden-sent] tr[data-unit="${YMT}"]`);
    await asked.waitFor();
    expect(Number(await asked.getAttribute('data-forms'))).toBeGreaterThanOrEqual(1);
  });
});
