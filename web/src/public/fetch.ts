import { ApiError } from '../api/client';
import type { CommunityList, CommunityPage } from './types';

/**
 * A public GET: no cookie goes out (credentials omitted), so the answer is the same for everyone and
 * every cache on the way may keep it; a non-2xx answer is the same ApiError the apps show.
 */
async function getPublic<T>(path: string): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, { credentials: 'omit', headers: { accept: 'application/json' } });
  } catch {
    throw new ApiError(0, undefined);
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (response.ok) return body as T;
  throw new ApiError(response.status, typeof body === 'object' && body !== null ? body : undefined);
}

export const fetchCommunityPage = (code: string) =>
  getPublic<CommunityPage>(`/api/v1/public/communities/${encodeURIComponent(code)}`);

export const fetchCommunities = (q: string) =>
  getPublic<CommunityList>(`/api/v1/public/communities${q === '' ? '' : `?q=${encodeURIComponent(q)}`}`);
