import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { CODES, DIALECTS, TEST_PASSWORD, type TestContext, createTestContext } from '../../test/harness.ts';

const PROXY = '10.0.0.2';
const OWNER = '198.51.100.9';
const OUTSIDER = '203.0.113.7';

/**
 * Found by probing issue 19 (item 13) as an attacker: behind a reverse proxy (TIANZIGE_TRUST_PROXY)
 * the sign-in lock's "source" was the leftmost X-Forwarded-For entry, which the client writes herself.
 * The proxy appends the address it saw; only that one is the source.
 */
describe.each(DIALECTS)('the source of a sign-in behind a reverse proxy on %s', (dialect) => {
  let t: TestContext;
  let proxied: FastifyInstance;
  /** a sign-in as the proxy forwards it: what the client sent in X-Forwarded-For, then the address it saw */
  const signIn = (username: string, password: string, seen: string, forged?: string) =>
    proxied.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username, password },
      remoteAddress: PROXY,
      headers: { 'x-forwarded-for': forged === undefined ? seen : `${forged}, ${seen}` },
    });

  beforeAll(async () => {
    t = await createTestContext(dialect, { divisionsUnder: CODES.yinTanLuStreet });
    proxied = await buildApp({ ...t.deps, config: { ...t.deps.config, isBehindProxy: true } });
    await t.createUser({ username: 'owner', role: 'community_staff', orgCode: CODES.yingMenTan });
    await t.createUser({ username: 'target', role: 'community_staff', orgCode: CODES.yingMenTan });
  });
  afterAll(async () => {
    await proxied.close();
    await t.close();
  });

  it('does not let an outsider lock the owner out by writing the owner’s address in X-Forwarded-For', async () => {
    for (let i = 0; i < 5; i++) {
      expect((await signIn('owner', `Wrong-pass-${i}`, OUTSIDER, OWNER)).statusCode).toBe(401);
    }
    expect((await signIn('owner', TEST_PASSWORD, OWNER)).statusCode).toBe(200);
  });

  it('keeps the lock on the outsider however she varies the address she writes', async () => {
    for (let i = 0; i < 5; i++) {
      expect((await signIn('target', `Wrong-pass-${i}`, OUTSIDER, `192.0.2.${i + 1}`)).statusCode).toBe(401);
    }
    const guessed = await signIn('target', TEST_PASSWORD, OUTSIDER, '192.0.2.99');
    expect(guessed.statusCode).toBe(401);
    expect(guessed.json()).toMatchObject({ code: 'BAD_CREDENTIALS' });
    // the owner at her own address is not locked by any of it
    expect((await signIn('target', TEST_PASSWORD, OWNER)).statusCode).toBe(200);
  });
});
