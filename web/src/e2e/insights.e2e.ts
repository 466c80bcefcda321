import path from 'node:path';
import Database from 'better-sqlite3';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { checkCharacter } from '../console/features/registry/idNumber';
import { consoleOf, launchBrowser } from './console';
import { deskContext } from './fixtures';
import { startServer, type RunningServer } from './server';

const DEMO_PASSWORD = 'Tianzige@2026';
const MZ_PASSWORD = 'Minzheng#2026a';
const ADMIN_PASSWORD = 'Admin#Tianzige2026';
const SOON = { timeout: 15_000, interval: 200 };
const TEMPLATE = '独居老人情况分社区统计';

/** The API as the signed-in user of `page` (her session cookie and CSRF token). */
function apiOf(page: Page, baseUrl: string) {
  const csrf = async () => (await page.context().cookies(baseUrl)).find((c) => c.name === 'tz_csrf')?.value ?? '';
  return {
    async get<T>(url: string): Promise<T> {
      const response = await page.request.get(`${baseUrl}${url}`);
      if (!response.ok()) throw new Error(`GET ${url}: ${response.status()} ${await response.text()}`);
      return (await response.json()) as T;
    },
    async post<T>(url: string, body: unknown): Promise<T> {
      const response = await page.request.post(`${baseUrl}${url}`, {
        data: body as object,
        headers: { 'x-csrf-token': await csrf() },
      });
      if (!response.ok()) throw new Error(`POST ${url}: ${response.status()} ${await response.text()}`);
      return (response.status() === 204 ? undefined : await response.json()) as T;
    },
  };
}

/** Counts made directly in the server's SQLite file, the way a DBA would check the dashboard. */
function databaseOf(server: RunningServer) {
  const db = new Database(path.join(server.dataDir, 'tianzige.db'), { readonly: true, fileMustExist: true });
  const subtree = (orgId: string) => {
    const unit = db.prepare('SELECT path FROM org_units WHERE id = ?').get(orgId) as { path: string } | undefined;
    if (unit === undefined) throw new Error(`no unit ${orgId}`);
    return [unit.path, `${unit.path.slice(0, -1)}0`] as const;
  };
  const count = (sql: string, orgId: string) => (db.prepare(sql).get(...subtree(orgId)) as { n: number }).n;
  return {
    residents: (orgId: string) =>
      count(`SELECT count(*) AS n FROM residents WHERE status = 'living' AND org_path >= ? AND org_path < ?`, orgId),
    households: (orgId: string) =>
      count('SELECT count(*) AS n FROM households WHERE org_path >= ? AND org_path < ?', orgId),
    livingAlone: (orgId: string) =>
      count(
        `SELECT count(*) AS n FROM residents r
           JOIN resident_tags rt ON rt.resident_id = r.id
           JOIN care_tags t ON t.id = rt.tag_id AND t.code = 'living_alone'
          WHERE r.status = 'living' AND r.org_path >= ? AND r.org_path < ?`,
        orgId,
      ),
    close: () => db.close(),
  };
}

/** A valid citizen ID number of 安宁区 (620105) for a birth date. */
function idNumber(birthDate: string, sequence: number): string {
  const first17 = `620105${birthDate.replaceAll('-', '')}${String(sequence).padStart(3, '0')}`;
  return first17 + checkCharacter(first17);
}

interface Summary {
  unit: { id: string; name: string };
  residents: number;
  households: number;
  elderlyAlone: number;
  over80: number;
}

/** The figures the dashboard shows on its summary cards. */
async function shownFigures(page: Page) {
  const value = async (key: string) => Number(await page.getByTestId(`summary-${key}`).getAttribute('data-value'));
  return {
    residents: await value('residents'),
    households: await value('households'),
    elderlyAlone: await value('elderlyAlone'),
    over80: await value('over80'),
  };
}

describe('insights, 一表通 and 准入: a street leader reads live figures; a department asks, a community answers by generating', () => {
  let server: RunningServer;
  let browser: Browser;
  let desk: BrowserContext;
  let db: ReturnType<typeof databaseOf>;
  /** A desk of its own for each person: contexts do not share the session cookie. */
  const newDesk = () => deskContext(browser);

  /** The password of anning_mzj at 安宁区民政局: the demo's, or a new account made by the administrator. */
  async function clerkAccount(): Promise<string> {
    const probe = await fetch(`${server.baseUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'anning_mzj', password: DEMO_PASSWORD }),
    });
    if (probe.ok) return DEMO_PASSWORD;
    const adminDesk = await newDesk();
    try {
      const adminPage = await adminDesk.newPage();
      await adminPage.goto(`${server.baseUrl}/`);
      await consoleOf(adminPage).signIn('admin', server.adminPassword);
      await consoleOf(adminPage).changePassword(server.adminPassword, ADMIN_PASSWORD);
      await adminPage.getByRole('menuitem').first().waitFor();
      const admin = apiOf(adminPage, server.baseUrl);
      const found = await admin.get<{ items: { id: string; fullName: string }[] }>(
        `/api/v1/orgs/search?q=${encodeURIComponent('民政局')}&level=department&limit=50`,
      );
      const bureau = found.items.find((u) => u.fullName.includes('安宁区'));
      if (bureau === undefined) throw new Error(`no 安宁区民政局 among ${JSON.stringify(found.items)}`);
      await admin.post('/api/v1/users', {
        username: 'anning_mzj',
        displayName: '安宁区民政局工作人员',
        password: MZ_PASSWORD,
        homeOrgId: bureau.id,
        roles: [{ role: 'department', orgId: bureau.id }],
      });
      return MZ_PASSWORD;
    } finally {
      await adminDesk.close();
    }
  }

  beforeAll(async () => {
    server = await startServer({ demo: true });
    browser = await launchBrowser();
    desk = await newDesk();
    db = databaseOf(server);
  });

  afterAll(async () => {
    db?.close();
    await desk?.close();
    await browser?.close();
    await server?.stop();
  });

  it('drills from 银滩路街道 into 营门滩社区 and a grid, matching the database; a resident aged 85 living alone shows within seconds', async () => {
    const pageErrors: string[] = [];
    const page = await desk.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    const ui = consoleOf(page);
    onTestFailed(() => ui.screenshot('insights-failure'));

    await page.goto(`${server.baseUrl}/`);
    await ui.signIn('yintanlu', DEMO_PASSWORD);
    await ui.openSection('大数据驾驶舱');
    const unitTitle = page.getByTestId('insights-unit');
    await expect.poll(() => unitTitle.innerText(), SOON).toContain('银滩路街道');
    const api = apiOf(page, server.baseUrl);
    const streetId = /\/insights\/?([0-9a-f-]*)$/.exec(page.url())?.[1] || undefined;

    // The street: what the cards say is what the database holds.
    const street = await api.get<{ user: { assignments: { orgId: string; orgName: string }[] } }>('/api/v1/auth/me');
    const streetOrg = street.user.assignments[0]!.orgId;
    expect(streetId === undefined || streetId === streetOrg).toBe(true);
    await expect.poll(async () => (await shownFigures(page)).residents, SOON).toBe(db.residents(streetOrg));
    expect((await shownFigures(page)).households).toBe(db.households(streetOrg));
    expect((await shownFigures(page)).elderlyAlone).toBe(db.livingAlone(streetOrg));
    await page.getByTestId('insights-pyramid').locator('canvas').waitFor();
    await ui.screenshot('insights-01-street');

    // Drill into 营门滩社区 from the table of communities.
    const children = page.getByTestId('insights-children');
    await children.locator('tr[data-unit="营门滩社区"]').click();
    await expect.poll(() => unitTitle.innerText(), SOON).toContain('营门滩社区');
    const communityId = /\/insights\/([0-9a-f-]{36})$/.exec(page.url())?.[1];
    if (communityId === undefined) throw new Error(`not on a unit's insights: ${page.url()}`);
    expect(await page.getByTestId('insights-breadcrumb').innerText()).toContain('银滩路街道');
    await expect.poll(async () => (await shownFigures(page)).residents, SOON).toBe(db.residents(communityId));
    expect((await shownFigures(page)).households).toBe(db.households(communityId));
    expect((await shownFigures(page)).elderlyAlone).toBe(db.livingAlone(communityId));
    const communityApi = await api.get<Summary>(`/api/v1/insights/${communityId}/summary`);
    expect(await shownFigures(page)).toEqual({
      residents: communityApi.residents,
      households: communityApi.households,
      elderlyAlone: communityApi.elderlyAlone,
      over80: communityApi.over80,
    });
    await ui.screenshot('insights-02-community');

    // …and into its first grid: the lowest level, nothing further down.
    await children.locator('tr[data-unit="第1网格"]').click();
    await expect.poll(() => unitTitle.innerText(), SOON).toContain('第1网格');
    const gridId = /\/insights\/([0-9a-f-]{36})$/.exec(page.url())?.[1];
    if (gridId === undefined) throw new Error(`not on a grid's insights: ${page.url()}`);
    await page.getByTestId('insights-no-children').waitFor();
    await expect.poll(async () => (await shownFigures(page)).residents, SOON).toBe(db.residents(gridId));
    expect((await shownFigures(page)).elderlyAlone).toBe(db.livingAlone(gridId));
    const before = await shownFigures(page);

    // She registers a woman aged 85 living alone in that grid (a new household of one).
    const year = Number(new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 4)) - 85;
    const household = await api.post<{ id: string }>('/api/v1/households', {
      orgId: gridId,
      address: '营门滩路26号1单元101',
    });
    await api.post('/api/v1/residents', {
      householdId: household.id,
      name: '马秀珍',
      idNumber: idNumber(`${year}-03-08`, 442),
      gender: 'female',
      birthDate: `${year}-03-08`,
      relation: '户主',
      residenceType: 'registered',
      careTags: ['living_alone'],
    });

    // Without reloading, the panel counts her within seconds.
    await expect
      .poll(async () => shownFigures(page), SOON)
      .toEqual({
        residents: before.residents + 1,
        households: before.households + 1,
        elderlyAlone: before.elderlyAlone + 1,
        over80: before.over80 + 1,
      });
    expect((await shownFigures(page)).residents).toBe(db.residents(gridId));
    await ui.screenshot('insights-03-grid-after');

    // Back up through the breadcrumb: the community counts her too.
    await page.getByTestId('insights-breadcrumb').getByText('营门滩社区').click();
    await expect.poll(() => unitTitle.innerText(), SOON).toContain('营门滩社区');
    await expect.poll(async () => (await shownFigures(page)).elderlyAlone, SOON).toBe(db.livingAlone(communityId));

    // The big screen of the community: no console around it, the same figures, large.
    await page.getByTestId('open-big-screen').click();
    await page.getByTestId('big-screen').waitFor();
    expect(await page.getByRole('menuitem').count()).toBe(0);
    await expect
      .poll(
        async () => (await page.getByTestId('screen-residents').innerText()).split('\n')[0]?.replaceAll(',', ''),
        SOON,
      )
      .toBe(String(db.residents(communityId)));
    await page.waitForTimeout(800); // the charts' first frame
    await ui.screenshot('insights-04-big-screen');
    await page.getByTestId('leave-big-screen').click();
    await page.getByTestId('insights-summary').waitFor();

    expect(pageErrors).toEqual([]);
  });

  it('civil affairs asks for "elderly living alone, by community": admitted, answered by a generated report with zero typed cells; a signboard task with no duty item is refused', async () => {
    const pageErrors: string[] = [];

    // 安宁区民政局's clerk: the demo's account, or one the administrator gives the bureau.
    const clerkPassword = await clerkAccount();

    // The clerk signs in (setting her own password first) and builds the template in the console.
    const bureauDesk = await newDesk();
    const page = await bureauDesk.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => pageErrors.push(`bureau: ${error.message}`));
    const ui = consoleOf(page);
    onTestFailed(() => ui.screenshot('reports-failure'));
    await page.goto(`${server.baseUrl}/`);
    await ui.signIn('anning_mzj', clerkPassword);
    const passwordPrompt = page.getByLabel('当前密码', { exact: true });
    await passwordPrompt.or(page.getByRole('menuitem').first()).first().waitFor();
    if (await passwordPrompt.isVisible()) await ui.changePassword(clerkPassword, `${clerkPassword}b`);
    await ui.openSection('一表通');
    await page.getByTestId('template-new').click();
    const builder = page.getByTestId('template-builder');
    await builder.waitFor();
    await page.getByTestId('template-name').fill(TEMPLATE);
    await page.getByTestId('template-title').fill('安宁区独居老人情况统计表');
    const column = (i: number) => builder.getByTestId('template-column').nth(i);
    await column(0).getByTestId('column-label').fill('在册居民');
    await page.getByTestId('column-add').click();
    await column(1).getByTestId('column-label').fill('独居老人');
    await ui.pickOption(column(1).getByTestId('column-metric'), 'residents.count', 'residents.count');
    await ui.pickOption(column(1).getByTestId('filter-care-tag'), '独居老人');
    await page.getByTestId('column-add').click();
    await column(2).getByTestId('column-label').fill('其中80岁以上');
    await ui.pickOption(column(2).getByTestId('column-metric'), 'residents.count', 'residents.count');
    await ui.pickOption(column(2).getByTestId('filter-care-tag'), '独居老人');
    await column(2).getByLabel('年龄不小于').fill('80');
    await expect.poll(() => page.getByTestId('template-json-preview').innerText(), SOON).toContain('"ageMin": 80');
    await page.waitForTimeout(300);
    await ui.screenshot('reports-01-builder');
    await page.getByTestId('template-save').click();
    await page.getByTestId('template-list').getByText(TEMPLATE).waitFor();

    // She generates it for her whole district: a department's unit picker starts at 安宁区 (issue 19 item 3).
    await page.getByTestId(`generate-${TEMPLATE}`).click();
    await expect.poll(() => page.getByTestId('generate-org').innerText(), SOON).toMatch(/安宁区(?!民政局)/);
    await page.getByTestId('generate-confirm').click();
    // a row per community of the district, every cell filled from the ledgers
    expect(Number(await page.getByTestId('report-cells').getAttribute('data-filled'))).toBeGreaterThan(20);
    await page.getByTestId('generate-confirm').click();

    // A report task bound to it, to 营门滩社区 under duty item YL-002: admitted.
    await ui.openSection('任务准入');
    const sendTask = async (options: { title: string; kind: string; duty?: string; template?: string }) => {
      await page.getByTestId('task-send').click();
      const form = page.getByTestId('task-send-form');
      await form.waitFor();
      await page.getByTestId('task-title').fill(options.title);
      await page.getByTestId('task-kind').getByText(options.kind, { exact: true }).click();
      if (options.duty !== undefined)
        await ui.pickOption(page.getByTestId('task-duty-item'), options.duty, options.duty);
      if (options.template !== undefined) await ui.pickOption(page.getByTestId('task-template'), options.template);
      // a multiple select stays open after a pick: choose, then close it
      await page.getByTestId('task-targets').click();
      await page.keyboard.type('营门滩', { delay: 20 });
      await page
        .locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: '营门滩社区' })
        .first()
        .click();
      await page.keyboard.press('Escape');
      const sent = page.waitForResponse((r) => r.url().endsWith('/api/v1/tasks') && r.request().method() === 'POST');
      await page.getByTestId('task-send-submit').click();
      // the demo's own form of the same figures this month is told first (一表通): she sends hers separately
      const overlap = page.getByTestId('task-overlap');
      await overlap.or(page.getByTestId('task-sent')).first().waitFor();
      if (await overlap.isVisible()) await page.getByTestId('task-send-separately').click();
      expect((await sent).status()).toBe(201);
      const outcome = page.getByTestId('task-sent').locator('tr[data-org="营门滩社区"]');
      await outcome.waitFor();
      return outcome;
    };
    const admitted = await sendTask({
      title: '独居老人情况统计（分社区）',
      kind: '报表',
      duty: 'YL-002',
      template: TEMPLATE,
    });
    expect(await admitted.getAttribute('data-status')).toBe('admitted');
    await ui.screenshot('tasks-01-sent-admitted');
    await page
      .getByRole('button', { name: '关 闭' })
      .or(page.getByRole('button', { name: '关闭' }))
      .first()
      .click();

    // A signboard with no duty item stated: refused, with the reason and the rule.
    const refused = await sendTask({ title: '社区挂牌：某某工作站', kind: '挂牌' });
    expect(await refused.getAttribute('data-status')).toBe('refused');
    expect(await refused.getByTestId('outcome-reason').innerText()).toMatch(/权责|事项/);
    await ui.screenshot('tasks-02-sent-refused');
    await page
      .getByRole('button', { name: '关 闭' })
      .or(page.getByRole('button', { name: '关闭' }))
      .first()
      .click();

    // The secretary of 营门滩社区 finds the admitted task and answers it by generating the report.
    const secretaryDesk = await newDesk();
    const secretary = await secretaryDesk.newPage();
    secretary.setDefaultTimeout(15_000);
    secretary.on('pageerror', (error) => pageErrors.push(`community: ${error.message}`));
    const secretaryUi = consoleOf(secretary);
    onTestFailed(() => secretaryUi.screenshot('tasks-community-failure'));
    await secretary.goto(`${server.baseUrl}/`);
    await secretaryUi.signIn('yingmentan_sj', DEMO_PASSWORD);
    await secretaryUi.openSection('任务准入');
    await secretary.getByTestId('tasks-received').locator('tr[data-title="独居老人情况统计（分社区）"]').click();
    const drawer = secretary.getByTestId('task-drawer');
    await drawer.getByTestId('task-answer').click();
    const cells = secretary.getByTestId('report-cells');
    await cells.waitFor();
    expect(await cells.getAttribute('data-typed')).toBe('0');
    expect(Number(await cells.getAttribute('data-filled'))).toBeGreaterThan(0);

    // The generated figure is the database's: living-alone residents of 营门滩社区.
    const me = await apiOf(secretary, server.baseUrl).get<{ user: { assignments: { orgId: string }[] } }>(
      '/api/v1/auth/me',
    );
    const communityId = me.user.assignments[0]!.orgId;
    const preview = secretary.getByTestId('report-preview');
    await preview.waitFor();
    const row = preview.locator('tbody tr', { hasText: '营门滩社区' }).first();
    const cellsText = await row.locator('td').allInnerTexts();
    expect(cellsText).toContain(String(db.livingAlone(communityId)));
    expect(cellsText).toContain(String(db.residents(communityId)));
    await secretaryUi.screenshot('tasks-03-community-answered');

    // The bureau sees the answer: the community answered, nothing typed.
    await page.reload();
    await page.getByTestId('tasks-sent').locator('tr[data-title="独居老人情况统计（分社区）"]').click();
    const answeredRow = page.getByTestId('task-drawer').locator('tr[data-org="营门滩社区"]');
    await expect.poll(() => answeredRow.innerText(), SOON).toContain('已报送');
    await ui.screenshot('tasks-04-bureau-sees-answer');

    // 银滩路街道 reviews the refusal and upholds it; the reason stays beside the outcome.
    const street = await desk.newPage();
    street.setDefaultTimeout(15_000);
    street.on('pageerror', (error) => pageErrors.push(`street: ${error.message}`));
    const streetUi = consoleOf(street);
    await street.goto(`${server.baseUrl}/tasks?tab=review`);
    await street.getByTestId('tasks-review').locator('tr[data-title="社区挂牌：某某工作站"]').click();
    const refusal = street.getByTestId('task-drawer').locator('tr[data-org="营门滩社区"]');
    await refusal.getByTestId('task-review').click();
    await street.getByLabel('复核意见').fill('挂牌不属于社区职责，维持拒绝');
    const reviewed = street.waitForResponse((r) => r.url().endsWith('/review') && r.request().method() === 'POST');
    await street
      .locator('.ant-modal')
      .getByRole('button', { name: /确\s*定|OK/ })
      .click();
    expect((await reviewed).status()).toBe(200);
    await expect.poll(() => refusal.innerText(), SOON).toContain('维持拒绝');
    await streetUi.screenshot('tasks-05-street-review');

    await bureauDesk.close();
    await secretaryDesk.close();

    expect(pageErrors).toEqual([]);
  });
});
