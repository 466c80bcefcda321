import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ageOn, checkCharacter, parseIdNumber } from './id-number.ts';

const TODAY = new Date('2026-11-28T04:00:00Z');
const REGIONS = ['620102', '620103', '620105', '620122', '110101', '310115', '440305', '650102'];

/** A valid ID number: a real region, a real past birth date, any sequence, and its check character. */
const validIdNumber = fc
  .record({
    region: fc.constantFrom(...REGIONS),
    birth: fc.date({
      min: new Date('1900-01-01T00:00:00Z'),
      max: new Date('2026-11-27T00:00:00Z'),
      noInvalidDate: true,
    }),
    seq: fc.integer({ min: 0, max: 999 }),
  })
  .map(({ region, birth, seq }) => {
    const first17 = `${region}${birth.toISOString().slice(0, 10).replace(/-/g, '')}${String(seq).padStart(3, '0')}`;
    return first17 + checkCharacter(first17);
  });

describe('citizen ID numbers (GB 11643-1999)', () => {
  it('accepts a known valid number and derives birth date and gender', () => {
    const result = parseIdNumber('11010519491231002X', TODAY);
    expect(result).toEqual({
      ok: true,
      facts: { normalized: '11010519491231002X', birthDate: '1949-12-31', gender: 'female' },
    });
    expect(parseIdNumber('11010519491231002x', TODAY).ok).toBe(true);
  });

  it('names the problem: check character, impossible date, future date, unknown region, format', () => {
    expect(parseIdNumber('110105194912310021', TODAY)).toEqual({ ok: false, problem: 'check_character' });
    expect(parseIdNumber(`62010219900230${'123'}` + checkCharacter('62010219900230123'), TODAY)).toEqual({
      ok: false,
      problem: 'birth_date',
    });
    expect(parseIdNumber(`62010220300101${'123'}` + checkCharacter('62010220300101123'), TODAY)).toEqual({
      ok: false,
      problem: 'future_birth_date',
    });
    expect(parseIdNumber(`99010219900101${'123'}` + checkCharacter('99010219900101123'), TODAY)).toEqual({
      ok: false,
      problem: 'region',
    });
    expect(parseIdNumber('62010219900101', TODAY)).toEqual({ ok: false, problem: 'format' });
  });

  it('accepts every generated valid number, with the birth date it carries', () => {
    fc.assert(
      fc.property(validIdNumber, (id) => {
        const result = parseIdNumber(id, TODAY);
        expect(result.ok).toBe(true);
        if (result.ok) expect(result.facts.birthDate.replace(/-/g, '')).toBe(id.slice(6, 14));
      }),
      { numRuns: 2000 },
    );
  });

  it('rejects every single-character corruption of a valid number', () => {
    fc.assert(
      fc.property(
        validIdNumber,
        fc.integer({ min: 0, max: 17 }),
        fc.constantFrom(...'0123456789X'),
        (id, position, replacement) => {
          fc.pre(id[position] !== replacement && !(position < 17 && replacement === 'X'));
          const corrupted = id.slice(0, position) + replacement + id.slice(position + 1);
          expect(parseIdNumber(corrupted, TODAY).ok).toBe(false);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('counts age in whole years on the Shanghai calendar', () => {
    expect(ageOn('1946-11-28', TODAY)).toBe(80);
    expect(ageOn('1946-11-29', TODAY)).toBe(79);
  });
});
