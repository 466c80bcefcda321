import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
  useSyncExternalStore,
  type ReactNode,
} from 'react';
import { ApiError } from '../../api/client';
import { fetchCareTagNames, fetchFieldCache } from './api';
import { readCache, saveCache, saveIdentity, type Identity, type Message, type StoredCache } from './store';
import { FieldSync, type SyncState } from './sync';

export interface FieldContextValue {
  identity: Identity;
  /** the server has not confirmed her session yet (no network): she works from the phone alone */
  isSignedInOffline: boolean;
  /** her households as last saved on the phone; null until read (or before the first download) */
  cache: StoredCache | null;
  isCacheRead: boolean;
  isRefreshing: boolean;
  refreshProblem: Message | null;
  refresh: () => Promise<void>;
  sync: FieldSync;
  syncState: SyncState;
  tagName: (code: string) => string;
}

const FieldContext = createContext<FieldContextValue | null>(null);

/**
 * The grid worker's device state: the cache read from IndexedDB first (pages render from it at
 * once, online or not), then refreshed from the server when there is a network; and the sync
 * queue, started as soon as she is known.
 */
export function FieldProvider({
  identity,
  isSignedIn,
  children,
}: {
  identity: Identity;
  isSignedIn: boolean;
  children: ReactNode;
}) {
  const queryClient = useQueryClient();
  const { userId } = identity;
  // the copy on the phone: read whatever the network does ('always': not paused offline)
  const device = useQuery({
    queryKey: ['field', 'device-cache', userId],
    queryFn: async () => (await readCache(userId).catch(() => undefined)) ?? null,
    staleTime: Infinity,
    networkMode: 'always',
  });
  // the server's, once she is signed in: saved on the phone for the next offline start
  const network = useQuery({
    queryKey: ['field', 'cache', userId],
    queryFn: async (): Promise<StoredCache> => {
      const [fresh, careTags] = await Promise.all([fetchFieldCache(), fetchCareTagNames()]);
      const stored: StoredCache = { userId, savedAt: new Date().toISOString(), cache: fresh, careTags };
      await saveCache(stored);
      return stored;
    },
    enabled: isSignedIn,
    staleTime: 5 * 60_000,
    retry: false,
  });
  const refresh = useCallback(
    () => queryClient.invalidateQueries({ queryKey: ['field', 'cache', userId] }),
    [queryClient, userId],
  );

  const [sync] = useState(() => new FieldSync(userId, () => void refresh()));
  useEffect(() => () => sync.stop(), [sync]);
  const syncState = useSyncExternalStore(sync.subscribe, sync.getState);

  useEffect(() => {
    if (!isSignedIn) return;
    void saveIdentity(identity);
    sync.resume();
  }, [isSignedIn, identity, sync]);

  useEffect(() => {
    void sync.reload().then(() => sync.kick());
    // back online: ask the server who she is (a cached identity is only good offline), then send
    const onOnline = () => void queryClient.invalidateQueries({ queryKey: ['auth', 'me'] });
    window.addEventListener('online', onOnline);
    return () => window.removeEventListener('online', onOnline);
  }, [sync, queryClient]);

  const cache = network.data ?? device.data ?? null;
  const refreshError = network.error;
  const value = useMemo<FieldContextValue>(() => {
    const names = new Map((cache?.careTags ?? []).map((tag) => [tag.code, tag.name]));
    return {
      identity,
      isSignedInOffline: !isSignedIn,
      cache,
      isCacheRead: !device.isPending,
      isRefreshing: network.isFetching,
      refreshProblem:
        refreshError === null
          ? null
          : refreshError instanceof ApiError
            ? { zh: refreshError.message_zh, en: refreshError.message_en }
            : { zh: '更新住户数据失败', en: 'Could not update the households' },
      refresh,
      sync,
      syncState,
      tagName: (code) => names.get(code) ?? code,
    };
  }, [identity, isSignedIn, cache, device.isPending, network.isFetching, refreshError, refresh, sync, syncState]);

  return <FieldContext.Provider value={value}>{children}</FieldContext.Provider>;
}

export function useField(): FieldContextValue {
  const field = useContext(FieldContext);
  if (field === null) throw new Error('useField outside FieldProvider');
  return field;
}
