import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODES, DIALECTS, type Client, type TestContext, createTestContext } from '../../test/harness.ts';
import { publicPoint } from './access.ts';
import { distanceMeters } from './intake.ts';
import { setUpCaseWorld } from './fixture.ts';

interface Intake {
  case: { id: string } | null;
  duplicates: { id: string; distanceMeters: number; description: string | null }[];
}

/** A reporter's door in 营门滩社区, off the 0.001° lattice: its public point lies ~40 m away. */
const DOOR = { lng: 103.71943, lat: 36.10118 };

/**
 * Found by probing issue 19 as an attacker: the duplicate offer told a resident of another community
 * the exact distance, to the meter, from a point she chose to someone else's case, and an offer costs
 * nothing and writes nothing. Four intakes from points around a 最低生活保障申请 located it to 0.8 m.
 * Whoever sees only the public summary is now told distances to the case's public point (about 100 m,
 * as Open311 publishes it), so no choice of points narrows it further.
 */
describe.each(DIALECTS)('the place of another person’s case on %s', (dialect) => {
  let ctx: TestContext;
  let resident: Client;
  let outsider: Client;
  let caseId: string;

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    await setUpCaseWorld(ctx);
    await ctx.createUser({ username: 'outsider', role: 'resident', orgCode: CODES.shanZiShi });
    resident = await ctx.login('resident');
    outsider = await ctx.login('outsider');
    const filed = await resident.post('/api/v1/my/cases', {
      dutyCode: 'HJ-002',
      description: '楼下垃圾堆了一周',
      ...DOOR,
    });
    expect(filed.statusCode, filed.body).toBe(201);
    caseId = filed.json<Intake>().case!.id;
  }, 120_000);
  afterAll(() => ctx.close());

  const offeredFrom = async (client: Client, at: { lng: number; lat: number }) => {
    const res = await client.post('/api/v1/my/cases', { dutyCode: 'HJ-002', description: '这里也有垃圾', ...at });
    expect(res.statusCode, res.body).toBe(201);
    return res.json<Intake>().duplicates.find((d) => d.id === caseId);
  };

  it('tells another resident distances to its public point only, wherever she stands', async () => {
    const shown = publicPoint(DOOR);
    const offset = distanceMeters(DOOR.lng, DOOR.lat, shown.lng, shown.lat);
    expect(offset).toBeGreaterThan(30);
    // standing at the door itself, she is told the door is as far as the public point
    expect((await offeredFrom(outsider, DOOR))!.distanceMeters).toBe(Math.round(offset));
    expect((await offeredFrom(outsider, shown))!.distanceMeters).toBe(0);
    const around = [
      { lng: DOOR.lng + 0.0009, lat: DOOR.lat },
      { lng: DOOR.lng, lat: DOOR.lat + 0.0009 },
      { lng: DOOR.lng - 0.0009, lat: DOOR.lat - 0.0004 },
    ];
    for (const at of around) {
      const offer = await offeredFrom(outsider, at);
      expect(offer!.distanceMeters).toBe(Math.round(distanceMeters(at.lng, at.lat, shown.lng, shown.lat)));
    }
  });

  it('still tells the reporter herself the distance to her own case’s own point', async () => {
    const own = await offeredFrom(resident, DOOR);
    expect(own).toMatchObject({ distanceMeters: 0, description: '楼下垃圾堆了一周' });
  });
});
