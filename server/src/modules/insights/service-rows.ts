import type { Contribution } from './facts.ts';
import type { ServiceRowFilter } from './service-figures.ts';

/** The column a source's rows are read by (its id or its unit path) and the keys, for `load`. */
export function rowKeys(filter: ServiceRowFilter, idColumn: string, pathColumn: string) {
  return 'ids' in filter
    ? { column: idColumn, keys: [...filter.ids] }
    : { column: pathColumn, keys: [...filter.paths] };
}

/** Collects a row's contributions, leaving out zeros. */
export function contributions(): { add(fact: string, dims: string, n?: number): void; list: Contribution[] } {
  const list: Contribution[] = [];
  return {
    list,
    add(fact, dims, n = 1) {
      if (n !== 0) list.push({ fact, dims, n });
    },
  };
}

/** Joins dims fields with '|' (the counters' dims; month or day first, so a period filter reads the first 7 characters). */
export const dimsOf = (...fields: (string | number)[]) => fields.join('|');
