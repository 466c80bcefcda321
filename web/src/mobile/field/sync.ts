import { ApiError } from '../../api/client';
import { isPhotoRefusal, sendBatch, uploadPhoto, type SyncOp, type SyncResult } from './api';
import {
  deleteOp,
  enqueueOp,
  readOps,
  readPhotosOf,
  saveOp,
  saveOps,
  savePhoto,
  type Message,
  type OpLabel,
  type QueuedOp,
  type QueuedPhoto,
} from './store';

/** Ops per request (the server takes up to 200). */
const CHUNK = 50;
const MAX_BACKOFF_MS = 60_000;
const LAST_SYNC_KEY = 'tz.field.lastSync';

export interface SyncState {
  isOnline: boolean;
  isSyncing: boolean;
  /** ops saved on the phone and not yet acknowledged by the server */
  pending: number;
  /** ops the server refused, waiting for her to retry or drop them */
  rejected: number;
  lastSyncAt: string | null;
  /** why the last run stopped early (no network, server error); cleared by the next good run */
  problem: Message | null;
  /** the session ended: sign in again and the queue goes on */
  needsSignIn: boolean;
  ops: QueuedOp[];
}

export interface NewOp {
  op: SyncOp;
  label: OpLabel;
  photos: { clientId: string; file: Blob; name: string }[];
}

const OFFLINE: Message = { zh: '无网络，联网后自动同步', en: 'Offline: will sync when the network returns' };

const messageOf = (error: unknown): Message =>
  error instanceof ApiError
    ? { zh: error.message_zh, en: error.message_en }
    : { zh: '同步出错，稍后重试', en: 'Sync failed; will try again' };

/** Failures that sending again later may cure (network, server trouble), as opposed to a refusal. */
const isTransient = (error: unknown) =>
  !(error instanceof ApiError) || error.status === 0 || error.status >= 500 || error.status === 429;

/** A new id for something recorded on the phone; the server recognises replays by it. */
export const newClientId = () => crypto.randomUUID();

/**
 * The queue of one signed-in worker and the loop that empties it: photos first (each on its own,
 * skipping those the server already holds), then the ops in chunks. Every step is written to
 * IndexedDB before the next, so a reload or crash resumes where it stopped, and because the
 * server answers a replayed clientId with `duplicate`, an op sent twice is stored once.
 */
export class FieldSync {
  private state: SyncState;
  private readonly listeners = new Set<(state: SyncState) => void>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private failures = 0;
  private running: Promise<void> | null = null;
  private isStopped = false;
  private isRunWanted = false;

  constructor(
    readonly userId: string,
    /** called after a run that delivered something, e.g. to refresh the household cache */
    private readonly onDelivered: () => void = () => {},
  ) {
    this.state = {
      isOnline: navigator.onLine,
      isSyncing: false,
      pending: 0,
      rejected: 0,
      lastSyncAt: localStorage.getItem(`${LAST_SYNC_KEY}.${userId}`),
      problem: null,
      needsSignIn: false,
      ops: [],
    };
    window.addEventListener('online', this.onOnline);
    window.addEventListener('offline', this.onOffline);
  }

  stop() {
    this.isStopped = true;
    window.removeEventListener('online', this.onOnline);
    window.removeEventListener('offline', this.onOffline);
    if (this.timer !== null) clearTimeout(this.timer);
  }

  subscribe = (listener: (state: SyncState) => void) => {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  };

  getState = () => this.state;

  private set(patch: Partial<SyncState>) {
    this.state = { ...this.state, ...patch };
    for (const listener of this.listeners) listener(this.state);
  }

  private onOnline = () => {
    this.set({ isOnline: true, problem: null });
    this.failures = 0;
    this.kick();
  };

  private onOffline = () => this.set({ isOnline: false, problem: OFFLINE });

  /** Reads the queue from the device again (after this or another tab changed it). */
  async reload() {
    const ops = await readOps(this.userId);
    this.set({
      ops,
      pending: ops.filter((o) => o.state === 'pending').length,
      rejected: ops.filter((o) => o.state === 'rejected').length,
    });
  }

  /** Saves what she recorded on the phone, then tries to send it. */
  async enqueue({ op, label, photos }: NewOp) {
    const queued: QueuedOp = {
      clientId: op.clientId,
      userId: this.userId,
      op,
      label,
      createdAt: new Date().toISOString(),
      state: 'pending',
      attempts: 0,
      error: null,
      photoNotes: [],
      serverId: null,
      caseNumber: null,
      syncedAt: null,
    };
    const queuedPhotos: QueuedPhoto[] = photos.map((p) => ({
      clientId: p.clientId,
      userId: this.userId,
      opClientId: op.clientId,
      name: p.name,
      size: p.file.size,
      blob: p.file,
      state: 'pending',
      photoId: null,
      error: null,
    }));
    await enqueueOp(queued, queuedPhotos);
    await this.reload();
    this.kick();
  }

  /** Puts a refused op back in the queue. */
  async retry(clientId: string) {
    const op = this.state.ops.find((o) => o.clientId === clientId);
    if (op === undefined) return;
    await saveOp({ ...op, state: 'pending', error: null, attempts: 0 });
    await this.reload();
    this.failures = 0;
    this.kick();
  }

  /** Drops an op she gave up on (and its photos) from the phone. */
  async discard(clientId: string) {
    await deleteOp(clientId);
    await this.reload();
  }

  /** Signed in again: the queue goes on. */
  resume() {
    this.set({ needsSignIn: false });
    this.failures = 0;
    this.kick();
  }

  /** Starts a run now (or right after the one going on). */
  kick() {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    void this.runExclusive();
  }

  /** Resolves when the current run, if any, is over. */
  async settled() {
    await this.running;
  }

  private runExclusive(): Promise<void> {
    if (this.running !== null) {
      // one more pass after this one, for what was queued meanwhile
      this.isRunWanted = true;
      return this.running;
    }
    const run = async () => {
      do {
        this.isRunWanted = false;
        // two tabs of the app share one queue: the Web Lock lets one of them send at a time
        if ('locks' in navigator) await navigator.locks.request(`tz-field-sync-${this.userId}`, () => this.run());
        else await this.run();
      } while (this.isRunWanted && !this.isStopped && this.timer === null);
    };
    this.running = run().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private scheduleRetry() {
    if (this.isStopped) return;
    this.failures += 1;
    const delay = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.min(this.failures, 6)) * (0.75 + Math.random() * 0.5);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.runExclusive();
    }, delay);
  }

  private async run() {
    await this.reload();
    if (this.isStopped || this.state.needsSignIn || this.state.pending === 0) return;
    if (!navigator.onLine) {
      this.set({ isOnline: false, problem: OFFLINE });
      return;
    }
    this.set({ isSyncing: true, isOnline: true });
    let delivered = 0;
    try {
      const pending = this.state.ops.filter((o) => o.state === 'pending');
      const ready: { queued: QueuedOp; op: SyncOp }[] = [];
      for (const queued of pending) ready.push({ queued, op: await this.sendPhotosOf(queued) });
      for (let i = 0; i < ready.length; i += CHUNK) {
        const chunk = ready.slice(i, i + CHUNK);
        const results = await sendBatch(chunk.map((r) => r.op));
        delivered += await this.record(chunk, results);
      }
      const now = new Date().toISOString();
      localStorage.setItem(`${LAST_SYNC_KEY}.${this.userId}`, now);
      this.failures = 0;
      this.set({ lastSyncAt: now, problem: null });
    } catch (error) {
      if (error instanceof ApiError && error.code === 'UNAUTHENTICATED') {
        this.set({ needsSignIn: true, problem: { zh: '登录已过期，请重新登录后同步', en: 'Sign in again to sync' } });
      } else {
        this.set({ problem: navigator.onLine ? messageOf(error) : OFFLINE });
        if (isTransient(error)) this.scheduleRetry();
        else await this.markAttempt(error);
      }
    } finally {
      await this.reload();
      this.set({ isSyncing: false });
    }
    if (delivered > 0) this.onDelivered();
  }

  /**
   * Uploads the photos of one op that the server does not hold yet and returns the op as it is to
   * be sent: naming the photos the server took, not those it refused (whose message is kept).
   */
  private async sendPhotosOf(queued: QueuedOp): Promise<SyncOp> {
    const photos = await readPhotosOf(queued.clientId);
    const notes: Message[] = [];
    for (const photo of photos) {
      if (photo.state === 'pending' && photo.blob !== null) {
        try {
          await uploadPhoto(photo.clientId, photo.blob, photo.name);
          await savePhoto({ ...photo, state: 'uploaded', blob: null });
          photo.state = 'uploaded';
        } catch (error) {
          if (!isPhotoRefusal(error)) throw error;
          const message = {
            zh: `照片“${photo.name}”：${error.message_zh}`,
            en: `Photo “${photo.name}”: ${error.message_en}`,
          };
          await savePhoto({ ...photo, state: 'rejected', blob: null, error: message });
          photo.state = 'rejected';
          notes.push(message);
        }
      } else if (photo.state === 'rejected' && photo.error !== null) {
        notes.push(photo.error);
      }
    }
    if (notes.length > 0) await saveOp({ ...queued, photoNotes: notes });
    const uploaded = new Set(photos.filter((p) => p.state === 'uploaded').map((p) => p.clientId));
    const { op } = queued;
    if (op.kind === 'household_change') return op;
    const photoClientIds = op.payload.photoClientIds?.filter((id) => uploaded.has(id));
    if (op.kind === 'visit') return { ...op, payload: { ...op.payload, photoClientIds } };
    return { ...op, payload: { ...op.payload, photoClientIds } };
  }

  /** Writes the server's answer to each op of a chunk; returns how many it took (new or replayed). */
  private async record(chunk: { queued: QueuedOp }[], results: SyncResult[]): Promise<number> {
    const byId = new Map(results.map((r) => [r.clientId, r]));
    const now = new Date().toISOString();
    const updated: QueuedOp[] = [];
    let delivered = 0;
    for (const { queued } of chunk) {
      const result = byId.get(queued.clientId);
      if (result === undefined) continue; // not answered: it stays pending and goes again
      if (result.status === 'rejected') {
        const error = result.error;
        updated.push({
          ...queued,
          state: 'rejected',
          attempts: queued.attempts + 1,
          error:
            error === undefined
              ? { zh: '服务器拒收', en: 'Refused by the server' }
              : { zh: error.message_zh, en: error.message_en },
        });
        continue;
      }
      delivered += 1;
      const facts = result.facts ?? [];
      const hasStaleFact = facts.some((f) => f.state === 'stale');
      updated.push({
        ...queued,
        state: result.status === 'stale' || hasStaleFact ? 'stale' : 'synced',
        error: null,
        serverId: result.id ?? null,
        caseNumber: result.caseNumber ?? null,
        factsToCheck: facts.filter((f) => f.state === 'stale' || f.state === 'proposed').length,
        syncedAt: now,
      });
    }
    await saveOps(updated);
    return delivered;
  }

  private async markAttempt(error: unknown) {
    // a refusal of the whole request (e.g. 400 on the batch): every pending op waits for her
    const message = messageOf(error);
    await saveOps(
      this.state.ops
        .filter((o) => o.state === 'pending')
        .map((o) => ({ ...o, state: 'rejected' as const, attempts: o.attempts + 1, error: message })),
    );
  }
}
