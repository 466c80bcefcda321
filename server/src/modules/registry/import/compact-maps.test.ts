import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { newId } from '../../../platform/ids.ts';
import { HouseholdIds, IdFingerprints, SeenIds, householdKey } from './compact-maps.ts';

const blindIndex = () => crypto.randomBytes(24).toString('base64url').slice(0, 32);

describe("an import's compact memory", () => {
  it('remembers the first row of each ID number through many growths', () => {
    const seen = new SeenIds();
    const indexes = Array.from({ length: 200_000 }, blindIndex);
    indexes.forEach((b, i) => expect(seen.firstRowOf(b, i + 2)).toBeUndefined());
    expect(seen.firstRowOf(indexes[0]!, 999_999)).toBe(2);
    expect(seen.firstRowOf(indexes[150_000]!, 999_999)).toBe(150_002);
  });

  it("finds a household's id by its place, for UUIDs and other ids alike", () => {
    const households = new HouseholdIds();
    const places = Array.from({ length: 50_000 }, (_, i) => ({
      key: householdKey('unit-1', `营门滩路${i}号`, i % 2 === 0 ? '1单元' : null, `${i % 30}01`),
      id: newId(),
    }));
    for (const p of places) households.set(p.key, p.id);
    households.set(householdKey('unit-2', '砂岗村一社', null, null), 'demo-household-1');
    for (const p of places.filter((_, i) => i % 997 === 0)) expect(households.get(p.key)).toBe(p.id);
    expect(households.get(householdKey('unit-2', '砂岗村一社', null, null))).toBe('demo-household-1');
    expect(households.get(householdKey('unit-1', '营门滩路1号', '2单元', '101'))).toBeUndefined();
  });

  it('never rules out an ID number the registry has, and rules out nearly every other', async () => {
    const registered = Array.from({ length: 100_000 }, blindIndex);
    async function* pages() {
      for (let i = 0; i < registered.length; i += 30_000) yield registered.slice(i, i + 30_000);
    }
    const fingerprints = await IdFingerprints.load(pages());
    expect(registered.every((b) => fingerprints.mayContain(b))).toBe(true);
    const others = Array.from({ length: 100_000 }, blindIndex).filter((b) => fingerprints.mayContain(b));
    expect(others.length).toBeLessThan(50);
  });
});
