import type { PartyCandidateTable } from '../modules/party/tables.ts';
import type { Kysely } from 'kysely';
import { bulkInsert } from '../db/bulk.ts';
import { HOUSEHOLD_TYPES, RESIDENT_TYPES, TAG_TYPES } from '../modules/registry/bulk-columns.ts';
import type { DB } from '../db/types.ts';
import { ageOn, checkCharacter } from '../modules/registry/id-number.ts';
import { nameInitials } from '../modules/registry/resident-input.ts';
import type { HouseholdTable, ResidentTable, ResidentTagTable } from '../modules/registry/tables.ts';
import type { AppDeps } from '../platform/deps.ts';
import { newId } from '../platform/ids.ts';
import { DAY_MS, dayStart } from '../platform/calendar.ts';
import { countyKeyOf } from '../db/county-key.ts';

/** 砂岗村, as the Lanzhou report describes it: 343 residents aged 60 and over. */
export const VILLAGE_ELDERLY = 343;

/** A small deterministic generator, so every demo install holds the same people. */
function prng(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (a: number, b: number) => a + Math.floor(next() * (b - a + 1)),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
  };
}

const SURNAMES = [
  '王',
  '李',
  '张',
  '刘',
  '陈',
  '杨',
  '赵',
  '马',
  '魏',
  '朱',
  '何',
  '郭',
  '罗',
  '孙',
  '胡',
  '高',
  '林',
  '周',
  '徐',
  '牛',
  '苏',
  '田',
  '梁',
  '韩',
];
const GIVEN_M = [
  '建国',
  '国强',
  '志刚',
  '永福',
  '德明',
  '文斌',
  '海军',
  '明',
  '伟',
  '强',
  '军',
  '磊',
  '浩然',
  '子轩',
  '宇航',
  '俊杰',
  '长生',
  '宝山',
];
const GIVEN_F = [
  '秀英',
  '桂兰',
  '玉兰',
  '淑珍',
  '凤英',
  '丽',
  '敏',
  '静',
  '娟',
  '艳',
  '婷',
  '欣怡',
  '梓涵',
  '雨桐',
  '春梅',
  '金花',
  '兰英',
];
const STREETS: Record<string, { roads: string[]; isVillage: boolean; region: string }> = {
  '620102002002': { roads: ['山字石北路', '山字石中路', '张掖路'], isVillage: false, region: '620102' },
  '620103003004': { roads: ['吴家园西街', '建兰路', '吴家园东街'], isVillage: false, region: '620103' },
  '620105006010': { roads: ['营门滩路', '银滩路', '枣林路'], isVillage: false, region: '620105' },
  '620122105203': { roads: ['砂岗村'], isVillage: true, region: '620122' },
};

interface Person {
  name: string;
  gender: 'male' | 'female';
  birth: string;
  relation: string;
  residence: ResidentTable['residence_type'];
  tags: string[];
  notes: string | null;
}

/** A son is 子 and a daughter 女 (与户主关系); the vocabulary's other relations name no sex. */
const childRelation = (gender: 'male' | 'female') => (gender === 'male' ? '子' : '女');

/** Years between generations: a parent is at least this much older than a child. */
export const GENERATION_GAP = 20;

/** Demo residents: city blocks of mixed ages; 砂岗村 with 343 people over 60, most over 70, the young away at work. */
export async function seedDemoRegistry(trx: Kysely<DB>, deps: AppDeps): Promise<number> {
  const rand = prng(20261128);
  const now = deps.clock.now();
  const iso = now.toISOString();
  const year = now.getUTCFullYear();
  const tags = await trx.selectFrom('care_tags').select(['id', 'code']).execute();
  const tagId = (code: string) => tags.find((t) => t.code === code)!.id;
  let seq = 0;
  const households: HouseholdTable[] = [];
  const residents: ResidentTable[] = [];
  const residentTags: ResidentTagTable[] = [];
  const candidates: PartyCandidateTable[] = [];
  // born in the year `age` years ago, on a day already past (this year's birthday may be still to come)
  const birthOf = (age: number) => {
    for (;;) {
      const birth = `${year - age}-${String(rand.int(1, 12)).padStart(2, '0')}-${String(rand.int(1, 28)).padStart(2, '0')}`;
      if (birth < iso.slice(0, 10)) return birth;
    }
  };
  const gender = (): 'male' | 'female' => (rand.next() < 0.5 ? 'male' : 'female');
  /**
   * When a household registered here (入户): most years ago, a quarter over the last two years, so
   * the dashboard's "new residents" trend is a curve, not the day the demo was seeded.
   */
  const registeredAt = () => {
    const daysAgo = rand.next() < 0.75 ? rand.int(2 * 365, 15 * 365) : rand.int(3, 2 * 365);
    return new Date(now.getTime() - daysAgo * DAY_MS - rand.int(0, 20) * 3_600_000).toISOString();
  };
  const person = (
    age: number,
    gender: 'male' | 'female',
    relation: string,
    surname: string,
    extra: Partial<Person> = {},
  ): Person => ({
    name: surname + rand.pick(gender === 'male' ? GIVEN_M : GIVEN_F),
    gender,
    birth: birthOf(age),
    relation,
    residence: 'registered',
    tags: [],
    notes: null,
    ...extra,
  });

  for (const [code, place] of Object.entries(STREETS)) {
    const units = await trx
      .selectFrom('org_units as g')
      .innerJoin('org_units as c', 'c.id', 'g.parent_id')
      .select(['g.id', 'g.path', 'g.name'])
      .where('c.code', '=', code)
      .where('g.level', 'in', ['grid', 'group'])
      .orderBy('g.code')
      .execute();
    if (units.length === 0) continue;
    const target = place.isVillage ? 400 : 240; // households
    let elderlyOver60 = 0;
    for (let h = 0; h < target; h++) {
      const unit = units[h % units.length]!;
      const surname = rand.pick(SURNAMES);
      const members: Person[] = [];
      if (place.isVillage) {
        // An ageing village: older couples or widows at home, children working in the city.
        // the last place under the cap of elderly goes to someone living alone: no household loses its head
        const isAlone = rand.next() < 0.3 || VILLAGE_ELDERLY - elderlyOver60 === 1;
        const age = rand.next() < 0.75 ? rand.int(70, 92) : rand.int(60, 69);
        const head = person(age, gender(), '户主', surname, {
          tags: isAlone ? ['living_alone'] : ['empty_nest'],
        });
        members.push(head);
        if (!isAlone)
          members.push(
            person(
              Math.max(60, age - rand.int(0, 4)),
              head.gender === 'male' ? 'female' : 'male',
              '配偶',
              rand.pick(SURNAMES),
              { tags: ['empty_nest'] },
            ),
          );
        const youngestParent = Math.min(...members.map((m) => year - Number(m.birth.slice(0, 4))));
        if (rand.next() < 0.55) {
          const g = gender();
          members.push(
            person(rand.int(25, Math.min(45, youngestParent - GENERATION_GAP)), g, childRelation(g), surname, {
              residence: 'registered',
              notes: '外出务工（兰州市区）',
            }),
          );
        }
        if (rand.next() < 0.15)
          members.push(
            person(rand.int(6, 14), gender(), '孙子女', surname, {
              tags: ['left_behind_child'],
            }),
          );
        if (rand.next() < 0.12) head.tags.push('dibao');
        if (rand.next() < 0.06) head.tags.push('disabled');
      } else {
        const shape = rand.next();
        if (shape < 0.12) {
          members.push(person(rand.int(70, 95), 'female', '户主', surname, { tags: ['living_alone'] }));
        } else if (shape < 0.3) {
          const age = rand.int(62, 85);
          members.push(
            person(age, 'male', '户主', surname, { tags: ['empty_nest'] }),
            person(age - rand.int(0, 5), 'female', '配偶', rand.pick(SURNAMES), { tags: ['empty_nest'] }),
          );
        } else {
          const age = rand.int(30, 55);
          const spouseAge = age - rand.int(0, 5);
          members.push(person(age, 'male', '户主', surname), person(spouseAge, 'female', '配偶', rand.pick(SURNAMES)));
          const kids = rand.int(0, 2);
          for (let k = 0; k < kids; k++) {
            const g = gender();
            members.push(person(rand.int(1, Math.min(22, spouseAge - GENERATION_GAP)), g, childRelation(g), surname));
          }
          if (rand.next() < 0.25)
            members.push(
              person(
                rand.int(Math.max(70, age + GENERATION_GAP), Math.max(88, age + 25)),
                'female',
                '父母',
                rand.pick(SURNAMES),
              ),
            );
          if (rand.next() < 0.15) for (const m of members) m.residence = 'floating';
        }
        if (rand.next() < 0.05) members[0]!.tags.push('dibao');
        if (rand.next() < 0.04) members[0]!.tags.push('disabled');
        if (rand.next() < 0.08) members[0]!.tags.push('party_member');
        if (rand.next() < 0.03) members[0]!.tags.push('veteran');
      }
      const road = rand.pick(place.roads);
      const building = rand.int(1, 12);
      const address = place.isVillage
        ? `${unit.name}${h + 1}号`
        : `${road}${rand.int(1, 80)}号${building}号楼${rand.int(1, 4)}单元${rand.int(1, 6)}0${rand.int(1, 4)}`;
      const movedIn = registeredAt();
      const household: HouseholdTable = {
        id: newId(),
        org_id: unit.id,
        org_path: unit.path,
        county_key: countyKeyOf(unit.path),
        building_id: null,
        address,
        unit_no: null,
        room_no: null,
        lng: null,
        lat: null,
        version: 1,
        created_at: movedIn,
        updated_at: movedIn,
      };
      households.push(household);
      for (const m of members) {
        if (place.isVillage && ageOn(m.birth, now) >= 60) {
          if (elderlyOver60 >= VILLAGE_ELDERLY) continue;
          elderlyOver60 += 1;
        }
        const first17 = `${place.region}${m.birth.replace(/-/g, '')}${String((seq++ % 499) * 2 + (m.gender === 'male' ? 1 : 0)).padStart(3, '0')}`;
        const idNumber = first17 + checkCharacter(first17);
        const phone = `1${rand.pick(['38', '39', '51', '58', '77', '86', '89'])}${String(rand.int(0, 99_999_999)).padStart(8, '0')}`;
        const id = newId();
        // a child born after the household moved in was registered soon after birth
        const bornAt = Date.parse(dayStart(m.birth)) + rand.int(7, 40) * DAY_MS;
        const registered = new Date(
          Math.min(now.getTime() - 3_600_000, Math.max(Date.parse(movedIn), bornAt)),
        ).toISOString();
        residents.push({
          id,
          household_id: household.id,
          org_path: unit.path,
          county_key: countyKeyOf(unit.path),
          name: m.name,
          name_initials: nameInitials(m.name),
          id_number_enc: deps.pii.encrypt(idNumber),
          id_number_bidx: deps.pii.blindIndex('id_number', idNumber),
          no_id_reason: null,
          gender: m.gender,
          birth_date: m.birth,
          phone_enc: m.relation === '户主' || rand.next() < 0.5 ? deps.pii.encrypt(phone) : null,
          phone_bidx: null,
          ethnicity: rand.next() < 0.9 ? '汉族' : rand.pick(['回族', '东乡族', '藏族', '土族']),
          relation: m.relation,
          residence_type: m.residence,
          status: 'living',
          status_date: null,
          notes: m.notes,
          version: 1,
          created_at: registered,
          updated_at: registered,
          import_job_id: null,
        });
        const last = residents[residents.length - 1]!;
        if (last.phone_enc !== null) last.phone_bidx = deps.pii.blindIndex('phone', deps.pii.decrypt(last.phone_enc));
        for (const code2 of m.tags) {
          // the registry's 党员 is offered to her place's party organisation (demo-party.ts makes them members)
          if (code2 === 'party_member') {
            candidates.push({
              resident_id: id,
              org_path: unit.path,
              name: last.name,
              source: 'import',
              created_at: registered,
            });
          } else
            residentTags.push({
              resident_id: id,
              tag_id: tagId(code2),
              org_path: unit.path,
              county_key: countyKeyOf(unit.path),
            });
        }
      }
      if (place.isVillage && elderlyOver60 >= VILLAGE_ELDERLY) break;
    }
  }
  await bulkInsert(trx, deps.database.sqlite, 'households', HOUSEHOLD_TYPES, households);
  await bulkInsert(trx, deps.database.sqlite, 'residents', RESIDENT_TYPES, residents);
  await bulkInsert(trx, deps.database.sqlite, 'resident_tags', TAG_TYPES, residentTags);
  for (let i = 0; i < candidates.length; i += 500) {
    await trx
      .insertInto('party_candidates')
      .values(candidates.slice(i, i + 500))
      .execute();
  }
  return residents.length;
}
