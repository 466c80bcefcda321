import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { newId } from '../../../platform/ids.ts';
import { HouseholdIds, IdFingerprints, KeyFilter, RecentHouseholds, SeenIds, householdKey } from './compact-maps.ts';

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

  it('sized for the rows it expects, remembers every ID number of a file that long', () => {
    const seen = new SeenIds(300_000);
    const indexes = Array.from({ length: 300_000 }, blindIndex);
    indexes.forEach((b, i) => expect(seen.firstRowOf(b, i + 2)).toBeUndefined());
    expect(indexes.every((b, i) => seen.firstRowOf(b, 0) === i + 2)).toBe(true);
  });

  it("never forgets a household's place it was given, and mistakes few others for one", () => {
    const filter = new KeyFilter(100_000);
    const given = Array.from({ length: 100_000 }, (_, i) => householdKey('unit-1', `营门滩路${i}号`, null, null));
    for (const key of given) filter.add(key);
    expect(given.every((key) => filter.mayHave(key))).toBe(true);
    const others = Array.from({ length: 100_000 }, (_, i) => householdKey('unit-2', `营门滩路${i}号`, null, null));
    // 16 bits a key: about one in two thousand
    expect(others.filter((key) => filter.mayHave(key)).length).toBeLessThan(200);
  });

  it('keeps the last households made, and only those, however many there are', () => {
    const recent = new RecentHouseholds(1000);
    const keys = Array.from({ length: 10_000 }, (_, i) => householdKey('unit-1', `营门滩路${i}号`, null, null));
    keys.forEach((key, i) => recent.set(key, `h${i}`));
    expect(recent.get(keys[9_999]!)).toBe('h9999');
    expect(recent.get(keys[9_000]!)).toBe('h9000');
    expect(recent.get(keys[7_999]!)).toBeUndefined();
  });
});
