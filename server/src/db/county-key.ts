import type { Kysely } from 'kysely';
import type { DB } from './types.ts';

/**
 * The county key of a materialized path: the shard and partition a row of a large table lives in
 * (docs/scale.md). Paths are `/<nation>/<province>/<city>/<county>/…`, each segment a unit's key in
 * base 36, so the key is the fourth segment's. A path that stops above a county (a city's or
 * province's own row) gets the negated key of its deepest unit: a pseudo-county per city (and per
 * province). Pure and cheap: writers call it on the path they already hold.
 */
export function countyKeyOf(path: string): number {
  const segments = path.split('/').filter((s) => s !== '');
  const county = segments[3];
  if (county !== undefined) return parseInt(county, 36);
  const deepest = segments[segments.length - 1];
  return deepest === undefined ? 0 : -parseInt(deepest, 36);
}

/** A visit's county key, read inside the statement that links a case to it (co-located with the visit). */
export function countyKeyOfVisit(db: Kysely<DB>, visitId: string) {
  return db.selectFrom('visits').select('visits.county_key').where('visits.id', '=', visitId).limit(1);
}

/** A case's county key, read inside the statement that writes one of its events (co-located with the case). */
export function countyKeyOfCase(db: Kysely<DB>, caseId: string) {
  return db.selectFrom('cases').select('cases.county_key').where('cases.id', '=', caseId).limit(1);
}
