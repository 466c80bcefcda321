import { createContext, useContext, useEffect, useMemo, type ReactNode } from 'react';
import { useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { api, ApiError, onAuthProblem, unwrap } from '../api/client';
import type { Me } from '../api/types';

const ME_KEY = ['auth', 'me'] as const;

async function fetchMe(): Promise<Me | null> {
  try {
    return (await unwrap(api.GET('/api/v1/auth/me'))).user;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

/**
 * Asks who is signed in as the app starts, before React first renders: on a slow link the answer then
 * arrives beside the page's code instead of after it.
 */
export function prefetchMe(queryClient: QueryClient) {
  void queryClient.prefetchQuery({ queryKey: ME_KEY, queryFn: fetchMe, retry: false, staleTime: Infinity });
}

export interface Auth {
  me: Me | null;
  isLoading: boolean;
  /** the server could not be asked who is signed in (no network): not the same as signed out */
  isUnreachable: boolean;
  /** whether the signed-in user holds `permission` somewhere in her scope */
  can: (permission: string) => boolean;
  login: (username: string, password: string) => Promise<Me>;
  logout: () => Promise<void>;
  changePassword: (currentPassword: string, newPassword: string) => Promise<void>;
}

const AuthContext = createContext<Auth | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const meQuery = useQuery({ queryKey: ME_KEY, queryFn: fetchMe, retry: false, staleTime: Infinity });

  useEffect(
    () =>
      onAuthProblem((problem) => {
        if (problem === 'UNAUTHENTICATED') {
          queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== ME_KEY[0] });
          queryClient.setQueryData(ME_KEY, null);
        } else {
          queryClient.setQueryData<Me | null>(ME_KEY, (me) => (me ? { ...me, mustChangePassword: true } : me));
        }
      }),
    [queryClient],
  );

  const value = useMemo<Auth>(() => {
    const me = meQuery.data ?? null;
    const permissions = new Set(me?.permissions ?? []);
    return {
      me,
      isLoading: meQuery.isPending,
      isUnreachable: meQuery.isError,
      can: (permission) => permissions.has(permission),
      login: async (username, password) => {
        const { user } = await unwrap(api.POST('/api/v1/auth/login', { body: { username, password } }));
        queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== ME_KEY[0] });
        queryClient.setQueryData(ME_KEY, user);
        return user;
      },
      logout: async () => {
        try {
          await unwrap(api.POST('/api/v1/auth/logout'));
        } finally {
          queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== ME_KEY[0] });
          queryClient.setQueryData(ME_KEY, null);
        }
      },
      changePassword: async (currentPassword, newPassword) => {
        await unwrap(api.POST('/api/v1/auth/password', { body: { currentPassword, newPassword } }));
        await queryClient.invalidateQueries({ queryKey: ME_KEY });
      },
    };
  }, [meQuery.data, meQuery.isPending, meQuery.isError, queryClient]);

  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const auth = useContext(AuthContext);
  if (auth === null) throw new Error('useAuth outside AuthProvider');
  return auth;
}
