import type { Kysely } from 'kysely';
import type { DB } from '../../../db/types.ts';
import { subtreeEnd } from '../../../platform/access/scope.ts';
import { GridLocator, loadGridOutlines } from '../../orgs/locate.ts';

export interface PlaceUnit {
  id: string;
  path: string;
  name: string;
  code: string | null;
  level: string;
  parentId: string | null;
}

/** The units under an import's target and the outlines of its grids. */
export interface ImportPlaces {
  target: PlaceUnit;
  units: PlaceUnit[];
  grids: Awaited<ReturnType<typeof loadGridOutlines>>;
}

/**
 * Finds the unit a ledger row belongs to, below the import's target unit: by grid code or name, by
 * community code or name (names must be unique where they are looked up), or by coordinates.
 */
export class PlaceResolver {
  private readonly target: PlaceUnit;
  private readonly units: PlaceUnit[];
  private readonly locator: GridLocator;

  /** From the plain data `load` read: what a worker thread receives. */
  constructor(readonly places: ImportPlaces) {
    this.target = places.target;
    this.units = places.units;
    this.locator = new GridLocator(places.grids);
    this.index();
  }

  static async load(db: Kysely<DB>, target: PlaceUnit): Promise<PlaceResolver> {
    const rows = await db
      .selectFrom('org_units')
      .select(['id', 'path', 'name', 'code', 'level', 'parent_id'])
      .where('path', '>=', target.path)
      .where('path', '<', subtreeEnd(target.path))
      .where('level', 'in', ['community', 'grid', 'compound', 'group'])
      .where('retired_at', 'is', null)
      .execute();
    const units = rows.map((r) => ({
      id: r.id,
      path: r.path,
      name: r.name,
      code: r.code,
      level: r.level,
      parentId: r.parent_id,
    }));
    return new PlaceResolver({ target, units, grids: await loadGridOutlines(db, target.path) });
  }

  private readonly byCode = new Map<string, PlaceUnit>();
  private readonly byName = new Map<string, PlaceUnit[]>();

  private index() {
    for (const u of this.units) {
      if (u.code !== null) this.byCode.set(u.code, u);
      const list = this.byName.get(u.name) ?? [];
      list.push(u);
      this.byName.set(u.name, list);
    }
  }

  private find(value: string, levels: string[], within: PlaceUnit | null): PlaceUnit | 'ambiguous' | null {
    const v = value.trim();
    const fits = (u: PlaceUnit) => levels.includes(u.level) && (within === null || u.path.startsWith(within.path));
    const byCode = this.byCode.get(v);
    if (byCode !== undefined && fits(byCode)) return byCode;
    const byName = [
      ...(this.byName.get(v) ?? []),
      ...(this.byName.get(v.replace(/居委会$|居民委员会$/, '')) ?? []),
    ].filter(fits);
    const distinct = [...new Set(byName)];
    if (distinct.length > 1) return 'ambiguous';
    return distinct[0] ?? null;
  }

  private readonly cache = new Map<string, ReturnType<PlaceResolver['resolveUncached']>>();

  /** The unit for one row, or the reason it cannot be placed (rows without coordinates repeat a lot: cached). */
  resolve(row: {
    community?: string;
    grid?: string;
    lng?: number;
    lat?: number;
  }): ReturnType<PlaceResolver['resolveUncached']> {
    if (row.lng !== undefined || row.lat !== undefined) return this.resolveUncached(row);
    const key = `${row.community ?? ''}\u0000${row.grid ?? ''}`;
    let hit = this.cache.get(key);
    if (hit === undefined) {
      hit = this.resolveUncached(row);
      if (this.cache.size < 100_000) this.cache.set(key, hit);
    }
    return hit;
  }

  private resolveUncached(row: {
    community?: string;
    grid?: string;
    lng?: number;
    lat?: number;
  }): { unit: PlaceUnit } | { column: string; zh: string; en: string } {
    let community: PlaceUnit | null = this.target.level === 'community' ? this.target : null;
    if (row.community !== undefined && row.community.trim() !== '') {
      const found = this.find(row.community, ['community'], null);
      if (found === 'ambiguous')
        return {
          column: 'community',
          zh: `社区“${row.community}”名称不唯一，请填写社区编码`,
          en: `Community "${row.community}" is ambiguous; use its code`,
        };
      if (found === null)
        return {
          column: 'community',
          // an unknown name is the cell as typed, which may be anything (an ID number in the wrong column): not echoed
          zh: '找不到该社区（须为导入范围内社区的名称或编码）',
          en: "No such community within the import's unit (give its name or code)",
        };
      community = found;
    }
    if (row.grid !== undefined && row.grid.trim() !== '') {
      const found = this.find(row.grid, ['grid', 'group', 'compound'], community);
      if (found === 'ambiguous')
        return {
          column: 'grid',
          zh: `网格“${row.grid}”名称不唯一，请填写社区或网格编码`,
          en: `Grid "${row.grid}" is ambiguous; give the community or the grid code`,
        };
      if (found === null)
        return {
          column: 'grid',
          zh: '找不到该网格（须为社区内网格的名称或编码）',
          en: 'No such grid in the community (give its name or code)',
        };
      return { unit: found };
    }
    if (row.lng !== undefined && row.lat !== undefined) {
      const located = this.locator.locate(row.lng, row.lat);
      if (located !== null && (community === null || located.path.startsWith(community.path))) {
        return { unit: this.units.find((u) => u.id === located.id)! };
      }
    }
    if (this.target.level === 'grid' || this.target.level === 'group') return { unit: this.target };
    if (community !== null) return { unit: community };
    return {
      column: 'community',
      zh: '无法确定所属社区：请填写社区或网格，或在社区下导入',
      en: 'Cannot tell the community: fill the community or grid column, or import under a community',
    };
  }
}
