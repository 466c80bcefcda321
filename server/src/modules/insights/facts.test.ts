import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CASE_FACTS,
  RESIDENT_FACTS,
  VISIT_DUE_DIMS,
  caseContributions,
  caseFacts,
  residentContributions,
  residentFacts,
  visitContributions,
  visitFacts,
} from './facts.ts';

const field = fc.stringMatching(/^[a-z0-9_,.-]{0,12}$/);

describe('counter facts are read and written by name', () => {
  it('decodes what it encodes, field by field, for every kind of row', () => {
    for (const codec of [RESIDENT_FACTS, CASE_FACTS, VISIT_DUE_DIMS]) {
      fc.assert(
        fc.property(fc.array(field, { minLength: codec.fields.length, maxLength: codec.fields.length }), (values) => {
          const record = Object.fromEntries(codec.fields.map((f, i) => [f, values[i]!])) as never;
          expect(codec.decode(codec.encode(record))).toEqual(record);
        }),
      );
    }
  });

  it('writes the same marks as before (positional text), so rows counted earlier need no rebuild', () => {
    expect(
      residentFacts({
        status: 'living',
        gender: 'female',
        birth_date: '1941-03-02',
        residence_type: 'registered',
        created_at: '2026-10-31T16:30:00.000Z',
        tags: ['living_alone', 'dibao'],
      }),
    ).toBe('living|female|1941|registered|2026-11|dibao,living_alone');
    expect(
      caseFacts({
        status: 'closed',
        due_state: 'ok',
        created_at: '2026-11-01T00:00:00.000Z',
        duty_code: 'LL-002',
        handler_level: 'community',
        resolved_at: '2026-11-03T00:00:00.000Z',
        is_accepted_on_time: 1,
        accept_seconds: 60,
        resolve_seconds: 7200,
        is_solved: 1,
        rating: 5,
        was_overdue: 0,
      }),
    ).toBe('closed|ok|2026-11|LL-002|community|2026-11|1|60|7200|1|5|0');
    expect(visitFacts({ last_visit_at: '2026-11-27T17:00:00.000Z', next_due_at: '2026-12-04T16:30:00.000Z' })).toBe(
      '2026-12-05|2026-11',
    );
  });

  it('counts a living tagged resident, a rated closed case and a visited household as it did', () => {
    const alone = residentContributions('living|female|1941|registered|2026-11|living_alone').map((c) => c.fact);
    expect(alone).toEqual(['added', 'living', 'res', 'tagged', 'alone', 'tag']);
    const closed = caseContributions('closed|ok|2026-11|LL-002|community|2026-11|1|60|7200|1|5|0');
    expect(closed.map((c) => c.fact)).toEqual([
      'case.state',
      'case.item',
      'case.level',
      'case.received',
      'case.ontime',
      'case.closed',
      'case.solved',
      'case.rated',
      'case.satisfied',
      'case.accept_n',
      'case.accept_sum',
      'case.resolve_n',
      'case.resolve_sum',
      'case.resolved',
    ]);
    expect(caseContributions('merged|ok|2026-11|||||||||0').map((c) => c.fact)).toEqual(['case.state']);
    expect(visitContributions('2026-12-05|2026-11')).toEqual([
      { fact: 'visit.tracked', dims: '', n: 1 },
      { fact: 'visit.last', dims: '2026-11', n: 1 },
      { fact: 'visit.due', dims: '2026-12-05|1', n: 1 },
    ]);
  });
});
