import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODES, DIALECTS, type Client, type TestContext, createTestContext } from '../../test/harness.ts';
import { idNumberFor, registerResident } from '../residents/fixture.ts';
import { countUnits, decide, hasQuorum, isAdopted } from './rules.ts';
import { ATTENDANCE, CHOICES, MAJORITIES, QUORUMS, VOTE_BASES } from './tables.ts';

/** The rules as the council's by-laws read them, in exact fractions. */
const share = { half: [1, 2], two_thirds: [2, 3], three_quarters: [3, 4] } as const;
const modelQuorum = (q: 'half' | 'two_thirds', eligible: number, present: number) =>
  eligible > 0 && (q === 'half' ? present / eligible > 0.5 : present * 3 >= eligible * 2);
const modelAdopted = (m: 'half' | 'two_thirds' | 'three_quarters', present: number, yes: number) => {
  const [n, d] = share[m];
  return present > 0 && (m === 'half' ? yes / present > n / d : yes * d >= present * n);
};

describe('council rules (pure)', () => {
  it('count each household once under one-household-one-vote, each member under one-member-one-vote', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...VOTE_BASES),
        fc.array(
          fc.record({
            household: fc.option(fc.integer({ min: 0, max: 5 })),
            attendance: fc.constantFrom(...ATTENDANCE),
          }),
          {
            maxLength: 12,
          },
        ),
        (basis, raw) => {
          const members = raw.map((m, i) => ({
            id: `m${i}`,
            householdId: m.household === null ? null : `h${m.household}`,
            attendance: m.attendance,
          }));
          const units = countUnits(basis, members);
          const voters = basis === 'member' ? members : members.filter((m) => m.householdId !== null);
          const key = (m: (typeof members)[0]) => (basis === 'member' ? m.id : m.householdId!);
          expect(units.eligible).toBe(new Set(voters.map(key)).size);
          expect(units.present).toBe(new Set(voters.filter((m) => m.attendance !== 'absent').map(key)).size);
          expect(units.present).toBeLessThanOrEqual(units.eligible);
        },
      ),
    );
  });

  it('decide as the by-laws read, never adopt without a quorum, and a further yes never undoes an adoption', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...QUORUMS),
        fc.constantFrom(...MAJORITIES),
        fc.integer({ min: 0, max: 200 }),
        fc.integer({ min: 0, max: 200 }),
        fc.integer({ min: 0, max: 200 }),
        (quorum, majority, a, b, c) => {
          const eligible = Math.max(a, b);
          const present = Math.min(a, b);
          const yes = Math.min(c, present);
          const out = decide({ quorum, majority }, { eligible, present }, { yes, no: present - yes, abstain: 0 });
          expect(out.hasQuorum).toBe(modelQuorum(quorum, eligible, present));
          expect(hasQuorum(quorum, eligible, present)).toBe(out.hasQuorum);
          expect(isAdopted(majority, present, yes)).toBe(modelAdopted(majority, present, yes));
          expect(out.result === 'adopted').toBe(out.hasQuorum && modelAdopted(majority, present, yes));
          if (out.result === 'adopted' && yes < present) {
            const more = decide({ quorum, majority }, { eligible, present }, { yes: yes + 1, no: 0, abstain: 0 });
            expect(more.result).toBe('adopted');
          }
        },
      ),
    );
  });
});

/**
 * The same rules as the server receives votes: random sign-ins and random vote attempts (members of a
 * shared household, a company without a vote, absent members, repeats) on one meeting each run; the
 * server keeps exactly the first vote of each present household, and its tally and result are the model's.
 */
describe.each(DIALECTS)('council ballots over HTTP on %s', (dialect) => {
  let t: TestContext;
  let staff: Client;
  let councilId: string;
  let members: { id: string; household: number | null }[];

  beforeAll(async () => {
    t = await createTestContext(dialect);
    await t.createUser({ username: 'ymt_prop', role: 'community_staff', orgCode: CODES.yingMenTan });
    staff = await t.login('ymt_prop');
    const ymt = await t.org(CODES.yingMenTan);
    const households: string[] = [];
    for (let i = 0; i < 4; i++) {
      const h = await registerResident(
        staff,
        { orgId: ymt.id, address: `营门滩路 50 号 ${i + 1}01` },
        { name: `议事户${i}`, idNumber: idNumberFor('1966-05-0' + (i + 1), 400 + i) },
      );
      households.push(h.householdId);
    }
    const made = await staff.post('/api/v1/councils', {
      orgId: ymt.id,
      name: '营门滩议事会',
      voteBasis: 'household',
      quorum: 'two_thirds',
      majority: 'half',
      supportThreshold: 20,
      supportDays: 30,
    });
    councilId = (made.json() as { id: string }).id;
    // households 0 and 1 have two representatives each; the company has no vote
    const plan: (number | null)[] = [0, 0, 1, 1, 2, 3, null];
    members = [];
    for (const [i, household] of plan.entries()) {
      const res = await staff.post(`/api/v1/councils/${councilId}/members`, {
        kind: household === null ? 'property_company' : 'resident_rep',
        name: `成员${i}`,
        ...(household === null ? { organization: '物业公司' } : { householdId: households[household] }),
      });
      members.push({ id: (res.json() as { id: string }).id, household });
    }
  }, 120_000);
  afterAll(() => t.close());

  it('keeps the first vote of each present household and decides as the model does', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom(...ATTENDANCE), { minLength: 7, maxLength: 7 }),
        fc.array(fc.record({ member: fc.integer({ min: 0, max: 6 }), choice: fc.constantFrom(...CHOICES) }), {
          maxLength: 12,
        }),
        async (attendance, attempts) => {
          run += 1;
          const topic = await staff.post(`/api/v1/councils/${councilId}/topics`, {
            title: `议题${run}`,
            body: '随机表决',
          });
          const topicId = (topic.json() as { id: string }).id;
          const meeting = await staff.post(`/api/v1/councils/${councilId}/meetings`, {
            title: `会议${run}`,
            place: '议事厅',
            startsAt: t.clock.now().toISOString(),
            agenda: [{ topicId, ballot: 'open' }],
          });
          const meetingId = (meeting.json() as { id: string }).id;
          await staff.post(`/api/v1/council-meetings/${meetingId}/attendance`, {
            entries: members.map((m, i) => ({
              memberId: m.id,
              status: attendance[i],
              ...(attendance[i] === 'proxy' ? { proxyName: '受托人' } : {}),
            })),
          });
          const voted = new Map<number, string>();
          for (const a of attempts) {
            const m = members[a.member]!;
            const res = await staff.post(`/api/v1/council-meetings/${meetingId}/votes`, {
              topicId,
              memberId: m.id,
              choice: a.choice,
            });
            const canVote = m.household !== null && attendance[a.member] !== 'absent' && !voted.has(m.household);
            expect(res.statusCode, res.body).toBe(
              canVote
                ? 200
                : m.household !== null && voted.has(m.household) && attendance[a.member] !== 'absent'
                  ? 409
                  : 400,
            );
            if (canVote) voted.set(m.household!, a.choice);
          }
          const present = new Set(
            members.filter((m, i) => m.household !== null && attendance[i] !== 'absent').map((m) => m.household),
          ).size;
          const yes = [...voted.values()].filter((c) => c === 'yes').length;
          const res = await staff.get(`/api/v1/council-meetings/${meetingId}`);
          const out = res.json() as {
            eligible: number;
            present: number;
            agenda: { tally: { yes: number; no: number; abstain: number } }[];
          };
          expect(out.eligible).toBe(4);
          expect(out.present).toBe(present);
          expect(out.agenda[0]!.tally.yes + out.agenda[0]!.tally.no + out.agenda[0]!.tally.abstain).toBe(voted.size);
          const decided = await staff.post(`/api/v1/council-meetings/${meetingId}/decisions`, {
            topicId,
            resolution: '按规则',
          });
          if (!modelQuorum('two_thirds', 4, present)) {
            expect(decided.statusCode).toBe(400);
            expect(
              await t.deps.db.selectFrom('council_decisions').select('id').where('topic_id', '=', topicId).execute(),
            ).toHaveLength(0);
          } else {
            expect(decided.statusCode, decided.body).toBe(201);
            expect((decided.json() as { result: string }).result).toBe(
              modelAdopted('half', present, yes) ? 'adopted' : 'rejected',
            );
          }
        },
      ),
      { numRuns: 12 },
    );
  }, 240_000);
});
