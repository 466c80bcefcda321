import Flatbush from 'flatbush';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.ts';
import { subtreeEnd } from '../../platform/access/scope.ts';
import { localOrgChangeCount } from './subtree-index.ts';
import type { AreaGeometry, Position } from './geometry.ts';

export interface LocatedUnit {
  id: string;
  path: string;
  name: string;
  code: string | null;
}

function insideRing(point: Position, ring: Position[]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if (yi > point[1] !== yj > point[1] && point[0] < ((xj - xi) * (point[1] - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function insideArea(point: Position, geometry: AreaGeometry): boolean {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  return polygons.some(
    (rings) =>
      rings.length > 0 && insideRing(point, rings[0]!) && !rings.slice(1).some((hole) => insideRing(point, hole)),
  );
}

/** Finds the grid containing a point: a flatbush R-tree over grid bounding boxes, then an exact point-in-polygon test. */
export class GridLocator {
  private readonly index: Flatbush | null;
  constructor(private readonly grids: { unit: LocatedUnit; geometry: AreaGeometry }[]) {
    if (grids.length === 0) {
      this.index = null;
      return;
    }
    this.index = new Flatbush(grids.length);
    for (const g of grids) {
      const positions = (g.geometry.type === 'Polygon' ? [g.geometry.coordinates] : g.geometry.coordinates).flat(2);
      const xs = positions.map((p) => p[0]);
      const ys = positions.map((p) => p[1]);
      this.index.add(Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys));
    }
    this.index.finish();
  }

  locate(lng: number, lat: number): LocatedUnit | null {
    if (this.index === null) return null;
    for (const i of this.index.search(lng, lat, lng, lat)) {
      const g = this.grids[i]!;
      if (insideArea([lng, lat], g.geometry)) return g.unit;
    }
    return null;
  }
}

/** A locator over the grids with outlines below a unit. */
/** The outlined grids under a unit, as plain data (a worker thread builds its own locator from them). */
export async function loadGridOutlines(
  db: Kysely<DB>,
  underPath: string,
): Promise<{ unit: LocatedUnit; geometry: AreaGeometry }[]> {
  const rows = await db
    .selectFrom('org_units')
    .select(['id', 'path', 'name', 'code', 'geometry'])
    .where('level', '=', 'grid')
    .where('path', '>', underPath)
    .where('path', '<', subtreeEnd(underPath))
    .where('geometry', 'is not', null)
    .where('retired_at', 'is', null)
    .execute();
  return rows.map((r) => ({
    unit: { id: r.id, path: r.path, name: r.name, code: r.code },
    geometry: JSON.parse(r.geometry!) as AreaGeometry,
  }));
}

export async function buildGridLocator(db: Kysely<DB>, underPath: string): Promise<GridLocator> {
  return new GridLocator(await loadGridOutlines(db, underPath));
}

/** Where a point lies: its grid when one contains it, and its community. */
export interface Place {
  unit: LocatedUnit;
  level: 'grid' | 'community';
}

const territories = new WeakMap<
  Kysely<DB>,
  { version: number; checkedAt: number; localChanges: number; grids: GridLocator; communities: GridLocator }
>();
/**
 * Outlines change rarely: the version is re-read at most once a second (intake runs hundreds a second);
 * this process's own org writes are seen at once, other servers' within a second.
 */
const VERSION_CHECK_MS = 1_000;

async function orgVersion(db: Kysely<DB>): Promise<number> {
  const row = await db.selectFrom('counters').select('value').where('name', '=', 'org_version').executeTakeFirst();
  return Number(row?.value ?? 0);
}

async function buildLevelLocator(db: Kysely<DB>, level: 'grid' | 'community'): Promise<GridLocator> {
  const rows = await db
    .selectFrom('org_units')
    .select(['id', 'path', 'name', 'code', 'geometry'])
    .where('level', '=', level)
    .where('geometry', 'is not', null)
    .where('retired_at', 'is', null)
    .execute();
  return new GridLocator(
    rows.map((r) => ({
      unit: { id: r.id, path: r.path, name: r.name, code: r.code },
      geometry: JSON.parse(r.geometry!) as AreaGeometry,
    })),
  );
}

/**
 * The grid (or, failing that, the community) containing a point anywhere in the platform's
 * territory; null outside every outline. The locators are rebuilt when the org tree changes.
 */
export async function locatePlace(db: Kysely<DB>, lng: number, lat: number): Promise<Place | null> {
  let t = territories.get(db);
  if (t === undefined || Date.now() - t.checkedAt > VERSION_CHECK_MS || t.localChanges !== localOrgChangeCount()) {
    const version = await orgVersion(db);
    if (t === undefined || t.version !== version) {
      t = {
        version,
        checkedAt: Date.now(),
        localChanges: localOrgChangeCount(),
        grids: await buildLevelLocator(db, 'grid'),
        communities: await buildLevelLocator(db, 'community'),
      };
      territories.set(db, t);
    } else {
      t.checkedAt = Date.now();
      t.localChanges = localOrgChangeCount();
    }
  }
  const grid = t.grids.locate(lng, lat);
  if (grid !== null) return { unit: grid, level: 'grid' };
  const community = t.communities.locate(lng, lat);
  return community === null ? null : { unit: community, level: 'community' };
}
