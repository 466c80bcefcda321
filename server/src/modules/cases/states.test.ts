import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, type Client, type TestContext, createTestContext } from '../../test/harness.ts';
import { INSIDE_YINGMENTAN, setUpCaseWorld } from './fixture.ts';
import { CASE_STATE_LABELS, CASE_STATUSES } from './states.ts';

/**
 * One status, one name: a rejected case was 已驳回 in the list, 已退回 on the dashboard and 未受理 on the
 * resident's phone. Every screen now names a state from states.ts; these tests compare what the server
 * answers with it, and scan the code of both sides for any other table of state names.
 */

const REPO = path.resolve(import.meta.dirname, '../../../..');
const TABLE_FILE = path.join(REPO, 'server/src/modules/cases/states.ts');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return ['e2e', 'node_modules', 'api'].includes(entry.name) ? [] : sourceFiles(full);
    return /\.(ts|tsx)$/.test(entry.name) && !/\.test\.ts$/.test(entry.name) ? [full] : [];
  });
}

/** Names other screens used to give the same states. */
const OLD_NAMES = ['未受理', '已退回', '待受理', '已受理', '不予受理', '已结案', '已并入相同诉求', '已办结 · 待评价'];
const STATE_KEY = `(?:${CASE_STATUSES.join('|')})`;

describe('one name per case state', () => {
  it('names every state once, in Chinese and in English', () => {
    expect(Object.keys(CASE_STATE_LABELS).sort()).toEqual([...CASE_STATUSES].sort());
    const zh = Object.values(CASE_STATE_LABELS).map((l) => l.zh);
    const en = Object.values(CASE_STATE_LABELS).map((l) => l.en);
    expect(new Set(zh).size).toBe(CASE_STATUSES.length);
    expect(new Set(en).size).toBe(CASE_STATUSES.length);
  });

  it('finds no other table of state names, and none of the old names, in the console, the phone or the server', () => {
    const files = [...sourceFiles(path.join(REPO, 'web/src')), ...sourceFiles(path.join(REPO, 'server/src'))].filter(
      (f) => f !== TABLE_FILE,
    );
    expect(files.length).toBeGreaterThan(100);
    const problems: string[] = [];
    for (const file of files) {
      const text = fs.readFileSync(file, 'utf8');
      const where = path.relative(REPO, file);
      for (const name of OLD_NAMES) if (text.includes(name)) problems.push(`${where}: old state name ${name}`);
      // a map from states to Chinese words: `rejected: '已驳回'` or `rejected: { zh: '…' }`
      const named = new Set(
        [
          ...text.matchAll(
            new RegExp(`\\b(${STATE_KEY})\\s*:\\s*(?:\\{\\s*zh\\s*:\\s*)?['"\`][^'"\`]*[\\u4e00-\\u9fff]`, 'g'),
          ),
        ].map((m) => m[1]),
      );
      if (named.size >= 3) problems.push(`${where}: its own names for states ${[...named].join(', ')}`);
      // message keys for case states (cases.status.rejected, phone.status.rejected …); other things have states too
      const stateKey = new RegExp(
        `['"](?:cases?|phone|insights|reports|screen)\\.[\\w.]*status\\.(${STATE_KEY})['"]\\s*:`,
        'g',
      );
      for (const m of text.matchAll(stateKey)) {
        problems.push(`${where}: message key for state ${m[1]}`);
      }
    }
    expect(problems).toEqual([]);
  });
});

describe.each(DIALECTS)('state names the server answers with on %s', (dialect) => {
  let ctx: TestContext;
  let world: Awaited<ReturnType<typeof setUpCaseWorld>>;
  let resident: Client;
  let staff: Client;
  let street: Client;

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    world = await setUpCaseWorld(ctx);
    resident = await ctx.login('resident');
    staff = await ctx.login('staff');
    street = await ctx.login('street');
  }, 120_000);
  afterAll(() => ctx.close());

  it('gives the dashboard, the messages (in each language) and the refusals the same name for each state', async () => {
    const filed = await resident.post('/api/v1/my/cases', {
      dutyCode: 'WY-001',
      description: '楼道灯坏了',
      ...INSIDE_YINGMENTAN,
      force: true,
    });
    expect(filed.statusCode, filed.body).toBe(201);
    const c = (filed.json() as { case: { id: string; number: string; version: number } }).case;
    const rejected = await staff.post(`/api/v1/cases/${c.id}/reject`, { version: c.version, reason: '不属于本社区' });
    expect(rejected.statusCode, rejected.body).toBe(200);

    const notes = (await resident.get('/api/v1/messages/mine')).json() as {
      items: { caseId: string; title: string; titleEn: string }[];
    };
    const told = notes.items.find((n) => n.caseId === c.id)!;
    // the English bell names the state in English: the message carries the state, not its Chinese name
    expect(told.title).toBe(`您反映的诉求 ${c.number} 有新进展：${CASE_STATE_LABELS.rejected.zh}`);
    expect(told.titleEn).toBe(`Your case ${c.number} has moved on: ${CASE_STATE_LABELS.rejected.en}`);

    const refused = await staff.post(`/api/v1/cases/${c.id}/accept`, { version: c.version + 1 });
    expect(refused.statusCode).toBe(409);
    expect((refused.json() as { message_zh: string }).message_zh).toContain(`“${CASE_STATE_LABELS.rejected.zh}”`);

    const panel = await street.get(`/api/v1/insights/${world.community.id}/cases`);
    expect(panel.statusCode, panel.body).toBe(200);
    const byState = (panel.json() as { byState: { state: string; label_zh: string; label_en: string }[] }).byState;
    expect(byState.map((s) => s.state).sort()).toEqual([...CASE_STATUSES].sort());
    for (const s of byState) {
      expect({ zh: s.label_zh, en: s.label_en }).toEqual(CASE_STATE_LABELS[s.state as keyof typeof CASE_STATE_LABELS]);
    }
  });
});
