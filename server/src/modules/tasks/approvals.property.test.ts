import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, type Client, type TestContext, createTestContext } from '../../test/harness.ts';
import { setUpTaskWorld } from './fixture.ts';

/** One step a user can take in a report's approval, as the console sends it. */
type Step =
  | { op: 'answer'; c: 0 | 1 }
  /** a 独居老人 is registered in 营门滩 after the fact, and 营门滩 answers again (a correction) */
  | { op: 'correct' }
  | { op: 'approve'; c: 0 | 1 }
  | { op: 'return'; c: 0 | 1; comment: string | null }
  | { op: 'rollup' };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ op: fc.constant('answer' as const), c: fc.constantFrom(0 as const, 1 as const) }),
  fc.record({ op: fc.constant('correct' as const) }),
  fc.record({ op: fc.constant('approve' as const), c: fc.constantFrom(0 as const, 1 as const) }),
  fc.record({
    op: fc.constant('return' as const),
    c: fc.constantFrom(0 as const, 1 as const),
    // as the server receives it: blank comments are trimmed to nothing
    comment: fc.constantFrom(null, '', '   ', '请核对80岁以上人数'),
  }),
  fc.record({ op: fc.constant('rollup' as const) }),
);

interface Target {
  state: 'submitted' | 'returned' | 'approved' | null;
  reportId: string | null;
  approvedReportId: string | null;
  /** how many 独居老人 were registered when the current answer and the approved one were generated */
  answeredData: number;
  approvedData: number | null;
}
interface Outcome {
  orgId: string;
  reportId: string | null;
  approval: { state: string; approvedReportId: string | null; difference: unknown[] } | null;
}
interface Detail {
  outcomes: Outcome[];
  rollups: { orgId: string; state: string; approvedCommunities: number }[];
  steps: { orgId: string; level: string; action: string; comment: string | null }[];
}

/**
 * The approval workflow under random sequences of answer / correct / approve / return (with and without
 * a comment) / the district's roll-up approval: approved figures never change but by an approval; a
 * correction waits beside the approved figures with its difference; approving twice or out of order is
 * 409, returning without a comment 400, and a refused step writes nothing; each step is one approval
 * row and one audit record; the sender sees each community and the street's roll-up where the steps say.
 */
describe.each(DIALECTS)('approval workflow, property-based, on %s', (dialect) => {
  let ctx: TestContext;
  let world: Awaited<ReturnType<typeof setUpTaskWorld>>['world'];
  let civil: Client;
  let street: Client;
  let district: Client;
  let communities: [string, string];
  let streetId: string;
  let templateId: string;
  let registered = 0;
  let period = 0;

  const count = async (table: 'task_approval_steps') =>
    Number(
      (
        await ctx.deps.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  /** the task's approval audit records (task.report.* and task.rollup.*) */
  const audited = async (taskId: string) =>
    (
      await ctx.deps.db
        .selectFrom('audit_log')
        .select('action')
        .where('target_id', '=', taskId)
        .where('action', '!=', 'task.send')
        .execute()
    ).length;

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    const set = await setUpTaskWorld(ctx);
    ({ world, civil, templateId } = set);
    street = await ctx.login('street');
    district = await ctx.login('district');
    streetId = set.streetUnit.id;
    communities = [world.community.id, set.other.id];
  }, 120_000);
  afterAll(() => ctx.close());

  it('keeps its invariants under any sequence of steps', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 8 }), async (steps) => {
        period += 1;
        const sent = await civil.post('/api/v1/tasks', {
          title: `独居老人统计 ${period}`,
          kind: 'report',
          dutyItemCode: 'YL-002',
          targetOrgIds: communities,
          templateId,
          period: `20${10 + Math.floor(period / 12)}-${String((period % 12) + 1).padStart(2, '0')}`,
          sendSeparately: true,
        });
        expect(sent.statusCode, sent.body).toBe(201);
        const taskId = sent.json<{ id: string }>().id;
        const model: [Target, Target] = [0, 1].map(() => ({
          state: null,
          reportId: null,
          approvedReportId: null,
          answeredData: 0,
          approvedData: null,
        })) as [Target, Target];
        let rollupApproved: (string | null)[] | null = null;
        let okSteps = 0;
        const stepsBefore = await count('task_approval_steps');

        for (const step of steps) {
          if (step.op === 'correct') {
            const h = await street.post('/api/v1/households', {
              orgId: world.grid.id,
              address: `营门滩路 ${100 + registered} 号`,
            });
            expect(h.statusCode, h.body).toBe(201);
            const r = await street.post('/api/v1/residents', {
              householdId: h.json<{ id: string }>().id,
              name: '新登记老人',
              noIdReason: '外籍人员',
              gender: 'female',
              birthDate: '1938-03-01',
              relation: '户主',
              residenceType: 'permanent',
              careTags: ['living_alone'],
            });
            expect(r.statusCode, r.body).toBe(201);
            registered += 1;
          }
          const auditAt = await audited(taskId);
          const c = 'c' in step ? step.c : 0;
          const target = `/api/v1/tasks/${taskId}/targets/${communities[c]}`;
          const m = model[c];
          let status: number;
          let expected: number;
          switch (step.op) {
            case 'correct':
            case 'answer': {
              const res = await street.post(`${target}/answer`, {});
              status = res.statusCode;
              expected = m.state === 'submitted' ? 409 : 201;
              if (status === 201) {
                m.state = 'submitted';
                m.reportId = res.json<{ reportId: string }>().reportId;
                m.answeredData = c === 0 ? registered : 0;
              }
              break;
            }
            case 'approve': {
              const res = await street.post(`${target}/approve`, {});
              status = res.statusCode;
              expected = m.state === 'submitted' ? 200 : 409;
              if (status === 200) {
                m.state = 'approved';
                m.approvedReportId = m.reportId;
                m.approvedData = m.answeredData;
              }
              break;
            }
            case 'return': {
              const res = await street.post(`${target}/return`, step.comment === null ? {} : { comment: step.comment });
              status = res.statusCode;
              const hasComment = step.comment !== null && step.comment.trim().length >= 2;
              expected = !hasComment ? 400 : m.state === 'submitted' ? 200 : 409;
              if (status === 400) expect(res.json<{ errors: { field: string }[] }>().errors[0]!.field).toBe('comment');
              if (status === 200) m.state = 'returned';
              break;
            }
            case 'rollup': {
              const res = await district.post(`/api/v1/tasks/${taskId}/rollups/${streetId}/approve`, {});
              status = res.statusCode;
              const approvedIds = model.map((t) => t.approvedReportId);
              const isComplete = approvedIds.every((id) => id !== null);
              const isSame = rollupApproved !== null && approvedIds.every((id, i) => id === rollupApproved![i]);
              expected = isComplete && !isSame ? 200 : 409;
              if (status === 200) rollupApproved = approvedIds;
              break;
            }
          }
          expect(status, `${JSON.stringify(step)} in ${JSON.stringify(model)}`).toBe(expected);
          const isOk = status < 300;
          if (isOk) okSteps += 1;
          // each step one audit record; a refused one none
          expect(await audited(taskId)).toBe(auditAt + (isOk ? 1 : 0));

          // what the sender sees matches the steps
          const detail = (await civil.get(`/api/v1/tasks/${taskId}`)).json<Detail>();
          for (const [i, t] of model.entries()) {
            const o = detail.outcomes.find((x) => x.orgId === communities[i])!;
            expect(o.approval?.state ?? null).toBe(t.state);
            expect(o.reportId).toBe(t.reportId);
            // approved figures change only by an approval
            expect(o.approval?.approvedReportId ?? null).toBe(t.approvedReportId);
            // a correction after approval waits beside the approved figures, with the difference shown
            const isCorrection = t.state === 'submitted' && t.approvedReportId !== null;
            const changed = isCorrection && t.approvedData !== t.answeredData;
            expect((o.approval?.difference.length ?? 0) > 0, `difference of ${i}`).toBe(changed);
          }
          const rollup = detail.rollups.find((r) => r.orgId === streetId)!;
          const approvedNow = model.map((t) => t.approvedReportId);
          const expectedRollup =
            rollupApproved === null
              ? approvedNow.every((id) => id !== null)
                ? 'ready'
                : 'pending'
              : approvedNow.every((id, i) => id === rollupApproved![i])
                ? 'approved'
                : 'changed';
          expect(rollup.state).toBe(expectedRollup);
          expect(rollup.approvedCommunities).toBe(approvedNow.filter((id) => id !== null).length);
          const last = (i: number) => detail.steps.filter((s) => s.orgId === communities[i]).at(-1);
          for (const [i, t] of model.entries()) {
            const action = { submitted: 'submit', returned: 'return', approved: 'approve' } as const;
            expect(last(i)?.action ?? null).toBe(t.state === null ? null : action[t.state]);
          }
        }
        expect(await count('task_approval_steps')).toBe(stepsBefore + okSteps);
        expect(await audited(taskId)).toBe(okSteps);
      }),
      { numRuns: 25, seed: 20_261_207, endOnFailure: true },
    );
  }, 600_000);
});
