import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../config.ts';
import { DIALECTS, type TestContext, createTestContext } from '../../test/harness.ts';
import { PiiCipher } from './crypto.ts';
import { verifyPiiKey } from './key-check.ts';

const randomCipher = () => new PiiCipher({ encryption: crypto.randomBytes(32), blindIndex: crypto.randomBytes(32) });

/** The key check itself, on each engine (startup.test.ts boots the real server and CLI with another key). */
describe.each(DIALECTS)('the personal-data key check on %s', (dialect) => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext(dialect, { divisionsUnder: '620105006' });
  });
  afterAll(() => t.close());

  it('stores the check on the first start, accepts the same key, and refuses another or half of one', async () => {
    await verifyPiiKey(t.deps.db, t.deps.pii, t.clock);
    await verifyPiiKey(t.deps.db, t.deps.pii, t.clock);
    await expect(verifyPiiKey(t.deps.db, randomCipher(), t.clock)).rejects.toThrow(ConfigError);
    await expect(verifyPiiKey(t.deps.db, randomCipher(), t.clock)).rejects.toThrow(/TIANZIGE_PII_KEY/);
    // the right encryption key with another blind-index key would let duplicates in: refused too
    const keys = t.deps.pii.keysForWorker();
    const halfRight = new PiiCipher({ encryption: keys.encryption, blindIndex: crypto.randomBytes(32) });
    await expect(verifyPiiKey(t.deps.db, halfRight, t.clock)).rejects.toThrow(ConfigError);
    expect(await t.deps.db.selectFrom('pii_key_checks').selectAll().execute()).toHaveLength(1);
  });

  it('refuses, on the first start after an upgrade, a key that cannot read the numbers already stored', async () => {
    await t.deps.db.deleteFrom('pii_key_checks').execute();
    const staff = await t.createUser({
      username: 'key_check_staff',
      role: 'community_staff',
      orgCode: '620105006',
      phone: '13912345678',
    });
    expect(staff.id).toBeTruthy();
    await expect(verifyPiiKey(t.deps.db, randomCipher(), t.clock)).rejects.toThrow(ConfigError);
    expect(await t.deps.db.selectFrom('pii_key_checks').selectAll().execute()).toHaveLength(0);
    await verifyPiiKey(t.deps.db, t.deps.pii, t.clock);
    expect(await t.deps.db.selectFrom('pii_key_checks').selectAll().execute()).toHaveLength(1);
  });
});
