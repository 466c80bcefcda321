import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../db/database.ts';
import { migrateToLatest } from '../../db/migrate.ts';
import { ManualClock } from '../../platform/clock.ts';
import { PiiCipher } from '../../platform/pii/crypto.ts';
import { DIALECTS, openFreshDatabase } from '../../test/harness.ts';
import { LogAdapter } from './adapters/log.ts';
import type { ChannelAdapter } from './adapters/types.ts';
import { MessageDispatcher } from './dispatcher.ts';
import { enqueueMessage } from './outbox.ts';

const MESSAGES = 50;

/**
 * A restart loses no queued message: the server stops (its database closed) with messages queued and a
 * batch cut off mid-send; a new server on the same database sends every one of them, each once.
 */
describe.each(DIALECTS)('the outbox across a restart on %s', (dialect) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tianzige-restart-'));
  let drop: () => Promise<void> = () => Promise.resolve();
  afterAll(() => drop());

  it('sends every message queued before the server stopped, the ones cut off mid-send too, each once', async () => {
    const fresh = await openFreshDatabase(dialect, dataDir);
    drop = fresh.drop;
    const target =
      dialect === 'sqlite'
        ? { kind: 'sqlite' as const, file: path.join(dataDir, 'test.db') }
        : { kind: 'postgres' as const, url: fresh.url! };
    const pii = new PiiCipher({ encryption: crypto.randomBytes(32), blindIndex: crypto.randomBytes(32) });
    const clock = new ManualClock();
    clock.set(new Date('2026-12-01T02:00:00.000Z')); // 10:00 in Shanghai
    const depsOf = (database: Database) => ({ db: database.db, dialect, clock, pii });

    // the first server: enqueues, then dies while its first batch is at the provider
    const first = fresh.database;
    await migrateToLatest(first.db);
    await first.db.transaction().execute(async (trx) => {
      for (let i = 0; i < MESSAGES; i++) {
        await enqueueMessage(trx, {
          now: clock.now(),
          kind: 'case.progress',
          recipientUserId: null,
          phoneEnc: pii.encrypt('13812345678'),
          channels: ['sms'],
          params: { number: `YMT-${i}`, state: 'accepted' },
        });
      }
    });
    let reachProvider = () => {};
    const atProvider = new Promise<void>((resolve) => (reachProvider = resolve));
    const hanging: ChannelAdapter = {
      name: 'hangs',
      send: () => {
        reachProvider();
        return new Promise(() => {});
      },
    };
    void new MessageDispatcher(depsOf(first), { sms: hanging, wechat: hanging }, { batchSize: 10 }).runOnce();
    await atProvider;
    await first.close();

    // the next server, on the same database
    const second = await openDatabase(target);
    try {
      const sms = new LogAdapter('sms', () => {}, 1000);
      const dispatcher = new MessageDispatcher(depsOf(second), { sms, wechat: new LogAdapter('wechat', () => {}) });
      expect(await dispatcher.drain()).toBe(MESSAGES - 10);
      // the batch cut off mid-send is claimed again once its lease runs out
      clock.advance(5 * 60_000 + 1);
      expect(await dispatcher.drain()).toBe(10);
      const numbers = sms.recent.map((m) => m.params.number);
      expect(new Set(numbers).size).toBe(MESSAGES);
      expect(numbers).toHaveLength(MESSAGES);
      const left = await second.db
        .selectFrom('outbox_messages')
        .select('status')
        .where('status', '!=', 'sent')
        .execute();
      expect(left).toEqual([]);
    } finally {
      await second.close();
    }
  });
});
