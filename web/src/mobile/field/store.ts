import type { CareTagName, FieldCache, SyncOp } from './api';

/**
 * The phone's own storage (IndexedDB): her cached households, and the queue of what she recorded
 * that the server has not yet acknowledged. Everything the sync needs to pick up after a reload or
 * a crash lives here, never only in memory.
 */

const DB_NAME = 'tianzige-field';
const DB_VERSION = 1;

export interface Identity {
  userId: string;
  displayName: string;
  /** a console section she may open from the phone, or null */
  consolePath: string | null;
}

export interface StoredCache {
  userId: string;
  savedAt: string;
  cache: FieldCache;
  careTags: CareTagName[];
}

export interface Message {
  zh: string;
  en: string;
}

/** What the queue shows of an op without reading its payload. */
export interface OpLabel {
  householdId?: string;
  address?: string;
  summary: string;
}

export type OpState = 'pending' | 'synced' | 'stale' | 'rejected';

export interface QueuedOp {
  clientId: string;
  userId: string;
  op: SyncOp;
  label: OpLabel;
  /** device time when she saved it; the queue is sent in this order */
  createdAt: string;
  state: OpState;
  attempts: number;
  /** why the last try failed (network, server) or why the server refused it */
  error: Message | null;
  /** photos the server refused; the rest of the op went through */
  photoNotes: Message[];
  serverId: string | null;
  caseNumber: string | null;
  /** facts of a visit the community still has to check (proposed, or stale: based on an old version) */
  factsToCheck?: number;
  syncedAt: string | null;
}

export type PhotoState = 'pending' | 'uploaded' | 'rejected';

export interface QueuedPhoto {
  clientId: string;
  userId: string;
  opClientId: string;
  name: string;
  size: number;
  /** dropped once the server holds the photo */
  blob: Blob | null;
  state: PhotoState;
  photoId: string | null;
  error: Message | null;
}

type StoreName = 'meta' | 'caches' | 'ops' | 'photos';

let opening: Promise<IDBDatabase> | null = null;

function openDb(): Promise<IDBDatabase> {
  opening ??= new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, DB_VERSION);
    request.onupgradeneeded = () => {
      const db = request.result;
      db.createObjectStore('meta');
      db.createObjectStore('caches', { keyPath: 'userId' });
      db.createObjectStore('ops', { keyPath: 'clientId' }).createIndex('byUser', 'userId');
      db.createObjectStore('photos', { keyPath: 'clientId' }).createIndex('byOp', 'opClientId');
    };
    request.onsuccess = () => {
      // another tab upgrading the database: let it, and open again next time
      request.result.onversionchange = () => {
        request.result.close();
        opening = null;
      };
      resolve(request.result);
    };
    request.onerror = () => {
      opening = null;
      reject(request.error ?? new Error('IndexedDB did not open'));
    };
  });
  return opening;
}

const done = <T>(request: IDBRequest<T>) =>
  new Promise<T>((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB request failed'));
  });

/** Runs `work` in one transaction over `stores`; resolves once it is committed. */
async function inTransaction<T>(
  stores: StoreName[],
  mode: IDBTransactionMode,
  work: (tx: IDBTransaction) => Promise<T>,
): Promise<T> {
  const db = await openDb();
  const tx = db.transaction(stores, mode);
  const committed = new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
  });
  const result = await work(tx);
  await committed;
  return result;
}

export const readIdentity = () =>
  inTransaction(['meta'], 'readonly', (tx) =>
    done(tx.objectStore('meta').get('identity') as IDBRequest<Identity | undefined>),
  );

export const saveIdentity = (identity: Identity | null) =>
  inTransaction(['meta'], 'readwrite', async (tx) => {
    const meta = tx.objectStore('meta');
    if (identity === null) await done(meta.delete('identity'));
    else await done(meta.put(identity, 'identity'));
  });

export const readCache = (userId: string) =>
  inTransaction(['caches'], 'readonly', (tx) =>
    done(tx.objectStore('caches').get(userId) as IDBRequest<StoredCache | undefined>),
  );

export const saveCache = (stored: StoredCache) =>
  inTransaction(['caches'], 'readwrite', async (tx) => {
    await done(tx.objectStore('caches').put(stored));
  });

/** Her queue, oldest first. */
export const readOps = (userId: string) =>
  inTransaction(['ops'], 'readonly', async (tx) => {
    const rows = (await done(tx.objectStore('ops').index('byUser').getAll(userId))) as QueuedOp[];
    return rows.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.clientId.localeCompare(b.clientId));
  });

export const readPhotosOf = (opClientId: string) =>
  inTransaction(
    ['photos'],
    'readonly',
    async (tx) => (await done(tx.objectStore('photos').index('byOp').getAll(opClientId))) as QueuedPhoto[],
  );

/** Saves a new op with its photos in one transaction: both are queued or neither is. */
export const enqueueOp = (op: QueuedOp, photos: QueuedPhoto[]) =>
  inTransaction(['ops', 'photos'], 'readwrite', async (tx) => {
    const photoStore = tx.objectStore('photos');
    await Promise.all(photos.map((p) => done(photoStore.put(p))));
    await done(tx.objectStore('ops').put(op));
  });

export const saveOp = (op: QueuedOp) =>
  inTransaction(['ops'], 'readwrite', async (tx) => {
    await done(tx.objectStore('ops').put(op));
  });

export const saveOps = (ops: QueuedOp[]) =>
  inTransaction(['ops'], 'readwrite', async (tx) => {
    const store = tx.objectStore('ops');
    await Promise.all(ops.map((op) => done(store.put(op))));
  });

export const savePhoto = (photo: QueuedPhoto) =>
  inTransaction(['photos'], 'readwrite', async (tx) => {
    await done(tx.objectStore('photos').put(photo));
  });

/** Drops an op and its photos from the device. */
export const deleteOp = (clientId: string) =>
  inTransaction(['ops', 'photos'], 'readwrite', async (tx) => {
    const photos = tx.objectStore('photos');
    const keys = await done(photos.index('byOp').getAllKeys(clientId));
    await Promise.all(keys.map((key) => done(photos.delete(key))));
    await done(tx.objectStore('ops').delete(clientId));
  });
