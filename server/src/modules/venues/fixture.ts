import type { Client, TestContext } from '../../test/harness.ts';
import { idNumberFor, registerResident, signInBySms } from '../residents/fixture.ts';

/** The four rooms of the report's centres, and a meeting hall staff keep for themselves. */
export const ROOMS = [
  { name: '书画室', kind: 'calligraphy', areaM2: 60, capacity: 20, equipment: '书画桌 6 张' },
  { name: '阅览室', kind: 'reading', areaM2: 80, capacity: 30, equipment: '图书 2000 册' },
  { name: '舞蹈室', kind: 'dance', areaM2: 120, capacity: 30, equipment: '镜墙、音响' },
  { name: '音乐室', kind: 'music', areaM2: 50, capacity: 15, equipment: '电子琴、二胡' },
] as const;

/** A centre at `orgId` with the four rooms (open 08:00–21:30, closed Mondays; 舞蹈室 needs approval) and a 议事厅 for staff. */
export async function openCentre(staff: Client, orgId: string) {
  const centre = await staff.post('/api/v1/venue-centres', { orgId, name: '党群服务中心', address: '营门滩路 1 号' });
  if (centre.statusCode !== 201) throw new Error(`centre: ${centre.statusCode} ${centre.body}`);
  const centreId = centre.json<{ id: string }>().id;
  const spaces: Record<string, string> = {};
  for (const room of ROOMS) {
    const res = await staff.post(`/api/v1/venue-centres/${centreId}/spaces`, {
      ...room,
      opens: '08:00',
      closes: '21:30',
      closedWeekdays: [1],
      bookers: ['resident', 'team', 'staff'],
      needsApproval: room.kind === 'dance',
    });
    if (res.statusCode !== 201) throw new Error(`space: ${res.statusCode} ${res.body}`);
    spaces[room.name] = res.json<{ id: string }>().id;
  }
  const hall = await staff.post(`/api/v1/venue-centres/${centreId}/spaces`, {
    name: '议事厅',
    kind: 'council',
    areaM2: 30,
    capacity: 20,
    opens: '08:00',
    closes: '18:00',
    closedWeekdays: [6, 7],
    bookers: ['staff', 'partner'],
    needsApproval: false,
  });
  if (hall.statusCode !== 201) throw new Error(`hall: ${hall.statusCode} ${hall.body}`);
  spaces['议事厅'] = hall.json<{ id: string }>().id;
  return { centreId, spaces };
}

/**
 * Residents registered at `orgId` by its staff and bound on their phones: a signed-in client and the
 * account's user id for each, in order (`sequence` and `houseNumber` keep their ID numbers and addresses apart).
 */
export async function bindResidents(
  t: TestContext,
  staff: Client,
  orgId: string,
  people: readonly { name: string; phone: string; birth: string }[],
  at: { sequence: number; houseNumber: number },
) {
  const clients: Client[] = [];
  const userIds: string[] = [];
  for (const [i, p] of people.entries()) {
    const idNumber = idNumberFor(p.birth, at.sequence + i);
    await registerResident(staff, { orgId, address: `营门滩路 ${at.houseNumber + i} 号` }, { ...p, idNumber });
    const client = await signInBySms(t, p.phone);
    const bound = await client.post('/api/v1/my/binding', { name: p.name, idNumber });
    if (bound.statusCode !== 200) throw new Error(`binding ${p.name}: ${bound.statusCode} ${bound.body}`);
    clients.push(client);
    const binding = await t.deps.db
      .selectFrom('resident_bindings')
      .innerJoin('residents', 'residents.id', 'resident_bindings.resident_id')
      .select('resident_bindings.user_id')
      .where('residents.name', '=', p.name)
      .executeTakeFirstOrThrow();
    userIds.push(binding.user_id);
  }
  return { clients, userIds };
}
