import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODES, DIALECTS, type Client, type TestContext, createTestContext } from '../../test/harness.ts';

describe.each(DIALECTS)('renaming a grid on %s', (dialect) => {
  let t: TestContext;
  let secretary: Client;

  beforeAll(async () => {
    t = await createTestContext(dialect);
    await t.createUser({ username: 'ymt_sj', role: 'community_secretary', orgCode: CODES.yingMenTan });
    secretary = await t.login('ymt_sj');
  });
  afterAll(() => t.close());

  it('carries the new name into the full names of the grid and of the compounds below it', async () => {
    const community = await t.org(CODES.yingMenTan);
    const grid = (
      await secretary.post('/api/v1/orgs', { parentId: community.id, level: 'grid', name: '第9网格' })
    ).json() as {
      id: string;
    };
    const compound = (
      await secretary.post('/api/v1/orgs', { parentId: grid.id, level: 'compound', name: '𠮷祥小区' })
    ).json() as { id: string; fullName: string };
    expect(compound.fullName).toBe('甘肃省兰州市安宁区银滩路街道营门滩社区第9网格𠮷祥小区');

    const renamed = await secretary.patch(`/api/v1/orgs/${grid.id}`, { name: '第九网格' });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json()).toMatchObject({
      name: '第九网格',
      fullName: '甘肃省兰州市安宁区银滩路街道营门滩社区第九网格',
    });
    expect((await secretary.get(`/api/v1/orgs/${compound.id}`)).json()).toMatchObject({
      name: '𠮷祥小区',
      fullName: '甘肃省兰州市安宁区银滩路街道营门滩社区第九网格𠮷祥小区',
    });

    await secretary.patch(`/api/v1/orgs/${compound.id}`, { name: '吉祥小区' });
    expect((await secretary.get(`/api/v1/orgs/${compound.id}`)).json()).toMatchObject({
      fullName: '甘肃省兰州市安宁区银滩路街道营门滩社区第九网格吉祥小区',
    });
  });
});
