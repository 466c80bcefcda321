import { useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useMemo, useState } from 'react';
import type { OrgUnit } from '../../../api/types';
import { ancestorsQuery, childrenQuery, rootsQuery } from './queries';

export interface OrgTreeNode {
  unit: OrgUnit;
  /** undefined until loaded */
  children: OrgTreeNode[] | undefined;
}

/**
 * The lazily loaded org tree: roots first, children fetched on expand. Children live in the query
 * cache, so invalidating the org queries after a change refreshes the tree in place.
 */
export function useOrgTree() {
  const queryClient = useQueryClient();
  const roots = useQuery(rootsQuery());
  const [loadedIds, setLoadedIds] = useState<string[]>([]);
  const [expandedIds, setExpandedIds] = useState<string[]>([]);
  const childQueries = useQueries({ queries: loadedIds.map((id) => childrenQuery(id)) });

  const childrenById = useMemo(() => {
    const map = new Map<string, OrgUnit[]>();
    loadedIds.forEach((id, i) => {
      const data = childQueries[i]?.data;
      if (data !== undefined) map.set(id, data);
    });
    return map;
  }, [loadedIds, childQueries]);

  const nodes = useMemo(() => {
    const build = (unit: OrgUnit): OrgTreeNode => ({
      unit,
      children: childrenById.get(unit.id)?.map(build),
    });
    return (roots.data ?? []).map(build);
  }, [roots.data, childrenById]);

  const addLoaded = useCallback((ids: string[]) => {
    setLoadedIds((prev) => [...prev, ...ids.filter((id) => !prev.includes(id))]);
  }, []);

  const loadChildren = useCallback(
    async (id: string) => {
      await queryClient.fetchQuery(childrenQuery(id));
      addLoaded([id]);
    },
    [queryClient, addLoaded],
  );

  /** Loads and expands every ancestor of `id`, so that it shows in the tree. */
  const reveal = useCallback(
    async (id: string) => {
      const ancestors = await queryClient.fetchQuery(ancestorsQuery(id));
      const ids = ancestors.map((a) => a.id);
      await Promise.all(ids.map((aid) => queryClient.fetchQuery(childrenQuery(aid))));
      addLoaded(ids);
      setExpandedIds((prev) => [...prev, ...ids.filter((aid) => !prev.includes(aid))]);
    },
    [queryClient, addLoaded],
  );

  /** Loads and expands `id` itself, e.g. after a unit was created under it. */
  const expand = useCallback(
    async (id: string) => {
      await loadChildren(id);
      setExpandedIds((prev) => (prev.includes(id) ? prev : [...prev, id]));
    },
    [loadChildren],
  );

  return {
    nodes,
    isLoading: roots.isPending,
    error: roots.error,
    roots: roots.data,
    childrenById,
    expandedIds,
    setExpandedIds,
    loadChildren,
    reveal,
    expand,
  };
}

export type OrgTreeState = ReturnType<typeof useOrgTree>;
