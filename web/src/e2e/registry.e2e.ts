import fs from 'node:fs';
import type { Browser, BrowserContext, Download, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { checkCharacter } from '../console/features/registry/idNumber';
import { consoleOf, launchBrowser } from './console';
import { phoneContext } from './fixtures';
import { startServer, type RunningServer } from './server';

const DEMO_PASSWORD = 'Tianzige@2026';
const SOON = { timeout: 15_000, interval: 100 };
const HEADERS = ['社区', '网格', '地址', '姓名', '身份证号码', '联系电话', '与户主关系', '人口类型', '关爱标签'];

/** A valid citizen ID number of 安宁区 (620105): odd sequence numbers are men, even ones women. */
function idNumber(birthDate: string, sequence: number): string {
  const first17 = `620105${birthDate.replaceAll('-', '')}${String(sequence).padStart(3, '0')}`;
  return first17 + checkCharacter(first17);
}

/** The same number with a check character that is wrong. */
function withBadCheck(id: string): string {
  const wrong = '0123456789X'.split('').find((c) => c !== id[17]) ?? '0';
  return id.slice(0, 17) + wrong;
}

interface Person {
  grid: string;
  address: string;
  name: string;
  id: string;
  phone: string;
  relation: string;
  type: string;
  tags: string;
}

const g1 = '第1网格';
const g2 = '第2网格';
const a1 = '营门滩路18号1单元101';
const a2 = '营门滩路18号1单元102';
const a3 = '营门滩路18号2单元201';
const a4 = '营门滩路18号2单元202';
const a5 = '营门滩路20号1单元301';
const a6 = '营门滩路20号3单元502';
const a7 = '银滩路66号1单元101';
const a8 = '银滩路66号2单元401';

/** 20 residents in 8 households; 欧阳秀兰 lives alone and is the one looked up later. */
const PEOPLE: Person[] = [
  [g1, a1, '张建国', '1948-03-12', 11, '13919310001', '户主', '户籍', '空巢老人'],
  [g1, a1, '李桂英', '1950-07-08', 22, '13919310002', '配偶', '户籍', '空巢老人'],
  [g1, a2, '欧阳秀兰', '1941-11-26', 42, '13919310003', '户主', '户籍', '独居老人'],
  [g1, a3, '王德明', '1975-05-20', 31, '13919310004', '户主', '户籍', ''],
  [g1, a3, '刘淑芬', '1977-09-02', 64, '13919310005', '配偶', '户籍', ''],
  [g1, a3, '王子涵', '2012-04-16', 35, '', '子', '户籍', ''],
  [g1, a4, '陈志强', '1983-01-30', 17, '13919310007', '户主', '常住', '退役军人'],
  [g1, a4, '杨丽华', '1985-06-11', 28, '13919310008', '配偶', '常住', ''],
  [g1, a4, '陈雨桐', '2016-08-23', 46, '', '女', '常住', '留守儿童'],
  [g1, a5, '赵永福', '1958-02-14', 19, '13919310010', '户主', '户籍', '残疾人、低保户'],
  [g1, a5, '黄玉梅', '1960-12-05', 50, '13919310011', '配偶', '户籍', '低保户'],
  [g1, a6, '周国庆', '1990-10-01', 73, '13919310012', '户主', '流动', '失业人员'],
  [g1, a6, '吴秀英', '1992-03-18', 84, '13919310013', '配偶', '流动', ''],
  [g1, a6, '周思远', '2019-12-09', 95, '', '子', '流动', ''],
  [g2, a7, '徐海涛', '1969-04-27', 13, '13919310015', '户主', '户籍', '党员'],
  [g2, a7, '孙红梅', '1971-08-15', 26, '13919310016', '配偶', '户籍', '党员'],
  [g2, a7, '徐静怡', '1996-01-22', 48, '13919310017', '女', '户籍', ''],
  [g2, a8, '胡建华', '1952-06-30', 37, '13919310018', '户主', '户籍', '退役军人'],
  [g2, a8, '朱丽娟', '1954-09-14', 58, '13919310019', '配偶', '户籍', ''],
  [g2, a8, '胡晓东', '1980-11-03', 79, '13919310020', '子', '常住', ''],
].map(([grid, address, name, birth, seq, phone, relation, type, tags]) => ({
  grid: grid as string,
  address: address as string,
  name: name as string,
  id: idNumber(birth as string, seq as number),
  phone: phone as string,
  relation: relation as string,
  type: type as string,
  tags: tags as string,
}));

function ledgerCsv(people: Person[]): Buffer {
  const quote = (v: string) => (/[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
  const lines = [
    HEADERS.join(','),
    ...people.map((p) =>
      ['营门滩社区', p.grid, p.address, p.name, p.id, p.phone, p.relation, p.type, p.tags].map(quote).join(','),
    ),
  ];
  return Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8');
}

async function expectXlsx(download: Download) {
  const file = await download.path();
  const head = fs.readFileSync(file).subarray(0, 2).toString('latin1');
  expect(head).toBe('PK');
}

describe('registry: a secretary imports her community’s ledger and finds a resident in it', () => {
  let server: RunningServer;
  let browser: Browser;
  let context: BrowserContext;

  beforeAll(async () => {
    server = await startServer({ demo: true });
    browser = await launchBrowser();
    context = await browser.newContext({
      viewport: { width: 1440, height: 900 },
      locale: 'zh-CN',
      reducedMotion: 'reduce',
      acceptDownloads: true,
    });
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.stop();
  });

  it('imports 20 rows after fixing 2, finds 欧阳秀兰 by pinyin initials and reveals her number with an audit record', async () => {
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    const ui = consoleOf(page);
    onTestFailed(() => ui.screenshot('registry-failure'));

    await page.goto(`${server.baseUrl}/registry/imports`);
    await ui.signIn('yingmentan_sj', DEMO_PASSWORD);
    await page.getByRole('menuitem', { name: '台账导入' }).waitFor();

    // The demo grid names the ledger uses are really there, under 营门滩社区.
    const grids = await page.request.get(`${server.baseUrl}/api/v1/orgs/search?q=${encodeURIComponent('网格')}`);
    expect(grids.ok()).toBe(true);
    const gridUnits = ((await grids.json()) as { items: { name: string; fullName: string }[] }).items;
    const gridNames = gridUnits.map((u) => `${u.fullName} ${u.name}`).join('\n');
    expect(gridNames).toContain(g1);
    expect(gridNames).toContain(g2);
    expect(gridNames).toContain('营门滩社区');

    // 台账导入: the template downloads; she keeps her community, all-or-nothing, skip duplicates.
    await ui.openSection('台账导入');
    const [template] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('download-template').click(),
    ]);
    expect(template.suggestedFilename()).toMatch(/模板.*\.xlsx$/);
    await expectXlsx(template);
    await expect.poll(() => page.getByTestId('import-target').innerText(), SOON).toContain('营门滩社区');
    await ui.screenshot('registry-01-import-settings');
    await page.getByTestId('import-next').click();

    // The first ledger has a wrong check character (王德明) and a 10-digit phone (刘淑芬).
    const broken = PEOPLE.map((p) =>
      p.name === '王德明'
        ? { ...p, id: withBadCheck(p.id) }
        : p.name === '刘淑芬'
          ? { ...p, phone: p.phone.slice(0, 10) }
          : p,
    );
    const fileInput = page.locator('[data-testid=import-upload] input[type=file]');
    await fileInput.setInputFiles({ name: '营门滩台账.csv', mimeType: 'text/csv', buffer: ledgerCsv(broken) });
    await page.getByText('营门滩台账.csv').waitFor();
    await ui.screenshot('registry-02-upload');
    await page.getByTestId('import-start').click();

    const result = page.getByTestId('import-result');
    await expect.poll(() => result.getAttribute('data-status'), SOON).toBe('failed');
    await expect.poll(() => page.getByTestId('import-count-rejected').innerText(), SOON).toContain('2');
    await expect.poll(() => page.getByTestId('import-count-imported').innerText(), SOON).toContain('0');
    expect(page.url()).toMatch(/[?&]job=/);
    await ui.screenshot('registry-03-rejected');
    const [report] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-report').click()]);
    expect(report.suggestedFilename()).toMatch(/\.xlsx$/);
    await expectXlsx(report);

    // She fixes the two rows and uploads again; the progress shows, then 20 imported.
    await page.getByTestId('import-again').click();
    await fileInput.setInputFiles({ name: '营门滩台账-已改.csv', mimeType: 'text/csv', buffer: ledgerCsv(PEOPLE) });
    // 20 rows import in a blink: hold the progress answers back a moment so the bar can be seen
    const hold = async (route: Parameters<Parameters<Page['route']>[1]>[0]) => {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await route.continue();
    };
    await page.route('**/api/v1/residents/imports/*/events', hold);
    await page.route('**/api/v1/residents/imports/*', hold);
    await page.getByTestId('import-start').click();
    await page.getByTestId('import-progress').waitFor();
    await page.locator('.ant-progress').waitFor();
    await ui.screenshot('registry-04-progress');
    await expect.poll(() => result.getAttribute('data-status'), SOON).toBe('succeeded');
    await page.unroute('**/api/v1/residents/imports/*/events', hold);
    await page.unroute('**/api/v1/residents/imports/*', hold);
    await expect.poll(() => page.getByTestId('import-count-imported').innerText(), SOON).toContain('20');
    await expect.poll(() => page.getByTestId('import-count-rejected').innerText(), SOON).toContain('0');
    await ui.screenshot('registry-05-imported');

    // A reload keeps the job (its id is in the URL) and shows the same summary.
    await page.reload();
    await expect.poll(() => result.getAttribute('data-status'), SOON).toBe('succeeded');
    await expect.poll(() => page.getByTestId('recent-imports').innerText(), SOON).toContain('营门滩台账-已改.csv');

    // 居民查询: "oyxl" finds 欧阳秀兰; her number is masked until she gives a reason.
    await ui.openSection('居民查询');
    const form = page.getByTestId('resident-search-form');
    await form.getByLabel('姓名 / 拼音首字母').fill('oyxl');
    await page.getByTestId('resident-search-submit').click();
    const maRow = page.getByTestId('resident-results').locator('tr', { hasText: '欧阳秀兰' });
    await maRow.waitFor();
    await expect
      .poll(() => page.getByTestId('resident-results').locator('tbody tr.ant-table-row').count(), SOON)
      .toBe(1);
    const ma = PEOPLE.find((p) => p.name === '欧阳秀兰');
    if (ma === undefined) throw new Error('no 欧阳秀兰');
    const maskedText = await maRow.innerText();
    expect(maskedText).not.toContain(ma.id);
    expect(maskedText).toContain(`${ma.id.slice(0, 10)}********`);
    expect(maskedText).toContain('独居老人');
    expect(maskedText).toContain('高龄');
    await ui.screenshot('registry-06-search');

    await maRow.getByTestId('reveal-idNumber').click();
    const dialog = page.getByRole('dialog', { name: '查看完整身份证号' });
    await dialog.getByLabel('查看原因').fill('办理高龄补贴核对身份');
    await ui.screenshot('registry-07-reveal-reason');
    await dialog.getByRole('button', { name: /^查\s*看$/ }).click();
    await expect.poll(() => maRow.getByTestId('revealed-idNumber').innerText(), SOON).toBe(ma.id);
    await ui.screenshot('registry-08-revealed');

    // The current filter exports to .xlsx; as a pii.reveal holder she may ask for full numbers.
    await page.getByTestId('export-open').click();
    await page.getByTestId('export-unmasked').click();
    await ui.screenshot('registry-08b-export');
    const [exported] = await Promise.all([
      page.waitForEvent('download'),
      page
        .getByRole('dialog', { name: '导出 Excel' })
        .getByRole('button', { name: /^导\s*出$/ })
        .click(),
    ]);
    expect(exported.suggestedFilename()).toMatch(/\.xlsx$/);
    await expectXlsx(exported);

    // The reveal is in the audit log, with her reason.
    const audit = await page.request.get(`${server.baseUrl}/api/v1/audit?action=pii.reveal`);
    expect(audit.ok()).toBe(true);
    const records = ((await audit.json()) as { items: { action: string; detail: unknown }[] }).items;
    expect(records.length).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify(records[0])).toContain('办理高龄补贴核对身份');
    await ui.openSection('审计日志');
    await page.getByRole('cell', { name: 'pii.reveal' }).first().waitFor();
    await ui.screenshot('registry-09-audit');

    // 关爱标签: she adds one the community needs.
    await ui.openSection('关爱标签');
    await page.getByTestId('care-tag-form').getByPlaceholder('如：重病患者').fill('重病患者');
    await page.getByRole('button', { name: '添加标签' }).click();
    await page.getByRole('cell', { name: '重病患者' }).waitFor();

    await ui.openSection('住户台账');
    await page.getByTestId('households-table').locator('tr.ant-table-row').first().waitFor();
    await ui.screenshot('registry-09b-households');

    // Her household opens from the search; registering a member checks the ID number as it is typed.
    await ui.openSection('居民查询');
    await form.getByLabel('姓名 / 拼音首字母').fill('欧阳秀兰');
    await page.getByTestId('resident-search-submit').click();
    await maRow.getByText(a2).click();
    const drawer = page.getByTestId('household-drawer');
    await drawer.getByTestId('household-members').getByText('欧阳秀兰').waitFor();
    await ui.screenshot('registry-10-household');
    await drawer.getByRole('button', { name: '登记居民' }).click();
    const residentForm = page.getByTestId('resident-form');
    await residentForm.getByLabel('姓名', { exact: true }).fill('欧阳小军');
    const nephew = idNumber('1988-04-09', 55);
    await residentForm.getByLabel('身份证号', { exact: true }).fill(withBadCheck(nephew));
    await residentForm.getByText('校验位不正确').waitFor();
    await residentForm.getByRole('textbox', { name: /^联系电话/ }).fill('1391931');
    await residentForm.getByRole('textbox', { name: /^联系电话/ }).blur();
    await residentForm.getByText('电话号码格式不正确').waitFor();
    await ui.screenshot('registry-11-form-errors');
    await residentForm.getByLabel('身份证号', { exact: true }).fill(nephew);
    await expect.poll(() => residentForm.getByTestId('id-facts').innerText(), SOON).toContain('1988-04-09');
    expect(await residentForm.getByTestId('id-facts').innerText()).toContain('男');
    await residentForm.getByRole('textbox', { name: /^联系电话/ }).fill('13919310021');
    await ui.pickOption(residentForm.getByLabel('与户主关系'), '其他亲属', '其他');
    await ui.screenshot('registry-12-form-valid');
    await page.getByRole('button', { name: /^新\s*建$/ }).click();
    await drawer.getByTestId('household-members').getByText('欧阳小军').waitFor();
    await drawer.getByRole('tab', { name: '变更记录' }).click();
    await drawer.getByText('欧阳小军 ·').first().waitFor();
    await ui.screenshot('registry-13-history');

    // Editing sends the version read; the change lands in the history.
    await drawer.getByRole('tab', { name: /成员/ }).click();
    await drawer.locator('tr', { hasText: '欧阳小军' }).getByRole('button', { name: '修改' }).click();
    const editDialog = page.getByRole('dialog', { name: '修改 欧阳小军 的信息' });
    await editDialog.getByRole('textbox', { name: /^联系电话/ }).fill('13919310022');
    await ui.pickOption(editDialog.getByLabel('与户主关系'), '孙子女', '孙');
    await editDialog.getByRole('button', { name: /^保\s*存$/ }).click();
    await editDialog.waitFor({ state: 'hidden' });
    await drawer.getByRole('tab', { name: '变更记录' }).click();
    await drawer.getByText('与户主关系：其他亲属 → 孙子女').waitFor();

    // 党员 is a switch of its own, kept as a membership (not a care tag): the row shows it, the history says so
    await drawer.getByRole('tab', { name: /成员/ }).click();
    await drawer.locator('tr', { hasText: '欧阳小军' }).getByRole('button', { name: '修改' }).click();
    await editDialog.getByRole('switch', { name: '党员' }).click();
    await editDialog.getByRole('button', { name: /^保\s*存$/ }).click();
    await editDialog.waitFor({ state: 'hidden' });
    await drawer.locator('tr', { hasText: '欧阳小军' }).getByTestId('party-member-tag').waitFor();
    await drawer.getByRole('tab', { name: '变更记录' }).click();
    await drawer.getByText(/党员：\S+ → 党员/).waitFor();

    // A number already registered elsewhere is refused beside the field, with a way to that household.
    await drawer.getByRole('tab', { name: /成员/ }).click();
    await drawer.getByRole('button', { name: '登记居民' }).click();
    const zhang = PEOPLE.find((p) => p.name === '张建国');
    if (zhang === undefined) throw new Error('no 张建国');
    await residentForm.getByLabel('姓名', { exact: true }).fill('张建国');
    await residentForm.getByLabel('身份证号', { exact: true }).fill(zhang.id);
    await ui.pickOption(residentForm.getByLabel('与户主关系'), '非亲属', '非亲属');
    await page.getByRole('button', { name: /^新\s*建$/ }).click();
    await residentForm.getByText('身份证号已登记').first().waitFor();
    await ui.screenshot('registry-14-duplicate');
    await residentForm.page().getByTestId('open-existing').click();
    await drawer.getByTestId('household-members').getByText('张建国').waitFor();
    await expect.poll(() => page.locator('.ant-drawer-title').innerText(), SOON).toBe(a1);

    expect(pageErrors).toEqual([]);
  });

  it('shows a grid worker the households of her grid on a phone', async () => {
    const phone = await phoneContext(browser);
    try {
      const page = await phone.newPage();
      page.setDefaultTimeout(15_000);
      const pageErrors: string[] = [];
      page.on('pageerror', (error) => pageErrors.push(error.message));
      const ui = consoleOf(page);
      onTestFailed(() => ui.screenshot('registry-mobile-failure'));

      await page.goto(`${server.baseUrl}/m/households`);
      await ui.signIn('yingmentan_wg1', DEMO_PASSWORD);
      const cards = page.getByTestId('grid-household');
      const gridOneHouseholds = new Set(PEOPLE.filter((p) => p.grid === g1).map((p) => p.address));
      // the demo grid has households of its own; hers from the ledger are among them, 第2网格's are not
      await expect.poll(() => cards.count(), SOON).toBeGreaterThanOrEqual(gridOneHouseholds.size);
      const text = await page.locator('main').innerText();
      for (const address of gridOneHouseholds) expect(text).toContain(address);
      expect(text).not.toContain(a7);
      expect(text).not.toContain(a8);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(width).toBeLessThanOrEqual(390);
      await ui.screenshot('registry-15-phone');
      await page.getByPlaceholder('地址或姓名').fill('营门滩路18号');
      await expect.poll(() => cards.count(), SOON).toBe(4);
      expect(await cards.filter({ hasText: a2 }).innerText()).toContain('独居老人');
      await cards.filter({ hasText: a1 }).click();
      await cards.filter({ hasText: a1 }).getByText('李桂英').waitFor();
      await ui.screenshot('registry-16-phone-household');
      expect(pageErrors).toEqual([]);
    } finally {
      await phone.close();
    }
  });
});
