import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.ts';
import type { Actor } from '../../platform/access/scope.ts';

/**
 * How long a resolved session or API key is reused without asking the database. Changes made in this
 * process (sign-out, password change, disable, role grant or revoke, key revocation) drop the entries
 * at once; changes made by another process (a second app server, the CLI) show within this window.
 */
export const AUTH_CACHE_MS = 5_000;
const MAX_ENTRIES = 10_000;

/** What a request's credentials resolved to. */
export interface CachedAuth {
  userId: string;
  /** the actor as first loaded; each request replaces `ip` and `userAgent` with its own */
  actor: Actor;
  csrfToken: string | null;
  sessionId: string | null;
  mustChangePassword: boolean;
  /** sessions: absolute expiry (ISO) and last activity (ms), still checked on every hit */
  expiresAt: string | null;
  lastSeenMs: number;
  /** API keys: the key row, for the throttled last-used touch */
  apiKeyId: string | null;
}

interface Entry {
  value: CachedAuth;
  loadedMs: number;
}

/** The in-process cache of resolved credentials of one database, keyed by session id or API key hash. */
export class AuthCache {
  private readonly entries = new Map<string, Entry>();
  /** bumped by every invalidation, so that a load racing with it is not stored */
  private generation = 0;

  get(key: string, nowMs: number): CachedAuth | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    // a clock that moved backwards (tests, NTP) also ends the entry
    if (nowMs - entry.loadedMs >= AUTH_CACHE_MS || nowMs < entry.loadedMs) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  /** The generation to hand back to `set` once a load from the database completes. */
  startLoad(): number {
    return this.generation;
  }

  set(key: string, value: CachedAuth, nowMs: number, loadGeneration: number): void {
    if (loadGeneration !== this.generation) return;
    this.entries.delete(key);
    if (this.entries.size >= MAX_ENTRIES) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
    this.entries.set(key, { value, loadedMs: nowMs });
  }

  forget(key: string): void {
    this.generation += 1;
    this.entries.delete(key);
  }

  forgetUser(userId: string): void {
    this.generation += 1;
    for (const [key, entry] of this.entries) if (entry.value.userId === userId) this.entries.delete(key);
  }
}

const caches = new WeakMap<Kysely<DB>, AuthCache>();

export function authCacheOf(db: Kysely<DB>): AuthCache {
  let cache = caches.get(db);
  if (cache === undefined) {
    cache = new AuthCache();
    caches.set(db, cache);
  }
  return cache;
}

/** Drops every cached session and API key of a user; call after a committed change to her account or roles. */
export function forgetCachedAuth(db: Kysely<DB>, userId: string): void {
  authCacheOf(db).forgetUser(userId);
}
