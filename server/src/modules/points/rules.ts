import { newId } from '../../platform/ids.ts';
import type { Db } from './ledger.ts';
import type { RuleKind, RuleSource, RuleUnit } from './tables.ts';

/** The rules every community starts with (it may change the points, switch them off, add its own). */
export const DEFAULT_RULES: {
  code: string;
  name: string;
  kind: RuleKind;
  source: RuleSource;
  unit: RuleUnit;
  points: number;
}[] = [
  { code: 'volunteer_hour', name: '志愿服务（每小时）', kind: 'earn', source: 'volunteer', unit: 'hour', points: 10 },
  { code: 'council_attendance', name: '参加居民议事会', kind: 'earn', source: 'council', unit: 'event', points: 5 },
  { code: 'garbage_sorting', name: '垃圾分类检查合格', kind: 'earn', source: 'garbage', unit: 'event', points: 2 },
  { code: 'good_deed', name: '好人好事（经社区确认）', kind: 'earn', source: 'deed', unit: 'event', points: 20 },
  { code: 'litter', name: '乱扔垃圾、高空抛物', kind: 'deduct', source: 'negative', unit: 'event', points: 10 },
  { code: 'illegal_parking', name: '占用消防通道停车', kind: 'deduct', source: 'negative', unit: 'event', points: 10 },
];

/** Gives a community the default rules it lacks (idempotent). */
export async function ensureDefaultRules(db: Db, now: Date, communityPath: string): Promise<void> {
  const at = now.toISOString();
  for (const r of DEFAULT_RULES) {
    await db
      .insertInto('points_rules')
      .values({
        id: newId(),
        org_path: communityPath,
        code: r.code,
        name: r.name,
        kind: r.kind,
        source_kind: r.source,
        unit: r.unit,
        points: r.points,
        active: 1,
        created_at: at,
        updated_at: at,
      })
      .onConflict((oc) => oc.columns(['org_path', 'code']).doNothing())
      .execute();
  }
}
