import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, TEST_PASSWORD, type Client, type TestContext, createTestContext } from '../../test/harness.ts';
import { TINY_PNG, expectErrorBody, multipartBody } from '../../test/http.ts';
import { setUpFieldWorld, visitBody } from '../fieldwork/fixture.ts';
import { addMember, idNumberFor, registerResident, signInBySms } from '../residents/fixture.ts';
import { countyKeyOf } from '../../db/county-key.ts';
import { sweepNoticeFollowUps } from './service.ts';

const DAY = 86_400_000;

interface Detail {
  id: string;
  households: number;
  accounts: number;
  read: number;
  explained: number;
  attachments: { id: string; name: string; mime: string }[];
  questions: { id: string; body: string; answer: string | null; isPublic: boolean; caseId: string | null }[];
}
interface ReceiptList {
  total: number;
  items: {
    householdId: string;
    address: string;
    readAt: string | null;
    visit: { status: string; visitId: string | null } | null;
  }[];
}
interface Cached {
  households: { id: string; requests: { reasonZh: string; source: { kind: string; id: string } }[] }[];
}
interface Mine {
  id: string;
  isRead: boolean;
  explainer: string | null;
  faq: { question: string; answer: string }[];
  myQuestions: { id: string; body: string; answer: string | null }[];
}

/**
 * 说文解策 (issue 15, items 9–10): a notice about 高龄津贴 goes to every household with a member aged
 * 80+ in 营门滩社区 (grid 1), its bound residents hear of it; who read it is counted per household; after
 * 3 days the unread households are visits in the grid worker's today list, and recording the visit is
 * recorded as 入户讲解; residents ask, staff answer publicly or privately, a question becomes a case.
 */
describe.each(DIALECTS)('notices on %s', (dialect) => {
  let t: TestContext;
  let world: Awaited<ReturnType<typeof setUpFieldWorld>>;
  let secretary: Client;
  let wg1: Client;
  let otherStaff: Client;
  let ma: Client; // 马桂英, 84, bound
  let yang: Client; // 杨秀兰, 86, bound
  let young: Client; // 李强, 40, bound: not in the audience
  const h: Record<'ma' | 'yang' | 'zhao' | 'young', string> = { ma: '', yang: '', zhao: '', young: '' };
  let noticeId = '';

  beforeAll(async () => {
    t = await createTestContext(dialect);
    world = await setUpFieldWorld(t);
    secretary = await t.login('secretary');
    wg1 = await t.login('wg1');
    otherStaff = await t.login('otherstaff');
    const people = [
      ['ma', '马桂英', '1942-05-01', '13700003001'],
      ['yang', '杨秀兰', '1940-02-11', '13700003002'],
      ['zhao', '赵德福', '1944-08-20', undefined],
      ['young', '李强', '1986-03-03', '13700003004'],
    ] as const;
    let seq = 201;
    for (const [key, name, birth, phone] of people) {
      const idNumber = idNumberFor(birth, seq++);
      const r = await registerResident(
        secretary,
        { orgId: world.grid1.id, address: `营门滩路 ${seq} 号` },
        { name, idNumber, ...(phone === undefined ? {} : { phone }) },
      );
      h[key] = r.householdId;
      if (phone !== undefined) {
        const client = await signInBySms(t, phone);
        const bound = await client.post('/api/v1/my/binding', { name, idNumber });
        expect(bound.json(), name).toMatchObject({ isBound: true });
        if (key === 'ma') ma = client;
        if (key === 'yang') yang = client;
        if (key === 'young') young = client;
      }
    }
    // a young household member with an old one makes the household count once
    await addMember(secretary, h.yang, { name: '杨军', idNumber: idNumberFor('1970-01-01', 250), relation: '子' });
  }, 180_000);
  afterAll(() => t.close());

  const countRows = async () =>
    Number(
      (
        await t.deps.db
          .selectFrom('notices')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  /** Sessions lapse while the clock moves days on: everyone signs in again. */
  async function signInAgain() {
    secretary = await t.login('secretary');
    wg1 = await t.login('wg1');
    otherStaff = await t.login('otherstaff');
    ma = await signInBySms(t, '13700003001');
    yang = await signInBySms(t, '13700003002');
  }

  async function headers(username: string) {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username, password: TEST_PASSWORD },
    });
    const session = res.cookies.find((c) => c.name === 'tz_session')!.value;
    return { cookie: `tz_session=${session}`, 'x-csrf-token': res.json<{ csrfToken: string }>().csrfToken };
  }

  it('previews and sends a 高龄津贴 notice with an attachment to every household with a member aged 80+', async () => {
    const audience = { unitIds: [world.grid1.id], minAge: 80 };
    const preview = await secretary.post('/api/v1/notices/preview', { orgId: world.community.id, audience });
    expect(preview.json()).toEqual({ households: 3, accounts: 2, staff: 0 });

    const form = multipartBody(
      {
        payload: JSON.stringify({
          orgId: world.community.id,
          title: '关于调整高龄津贴发放标准的通知',
          body: '根据省民政厅文件，自 2027 年 1 月起，80 周岁以上老年人高龄津贴标准调整如下……',
          explainer: '家里有 80 岁以上老人的，每月多发 50 元，不用申请，直接打到社保卡上。',
          audience,
        }),
      },
      [{ field: 'attachments', fileName: '高龄津贴标准.png', data: TINY_PNG, contentType: 'image/png' }],
    );
    const sent = await t.app.inject({
      method: 'POST',
      url: '/api/v1/notices',
      payload: form.payload,
      headers: { 'content-type': form.contentType, ...(await headers('secretary')) },
    });
    expect(sent.statusCode, sent.body).toBe(201);
    const notice = sent.json<Detail>();
    noticeId = notice.id;
    expect(notice).toMatchObject({ households: 3, accounts: 2, read: 0 });
    expect(notice.attachments).toEqual([expect.objectContaining({ name: '高龄津贴标准.png', mime: 'image/png' })]);

    // the two bound old households hear of it; the young one does not, and cannot open it
    for (const client of [ma, yang]) {
      const bell = (await client.get('/api/v1/messages/mine')).json<{ items: { kind: string; title: string }[] }>();
      expect(bell.items.map((m) => m.kind)).toContain('notice.new');
      expect(bell.items.find((m) => m.kind === 'notice.new')!.title).toContain('关于调整高龄津贴发放标准的通知');
    }
    expect((await young.get('/api/v1/my/notices')).json()).toEqual({ items: [], unread: 0 });
    expect((await young.get(`/api/v1/my/notices/${noticeId}`)).statusCode).toBe(404);
    const receipts = (await secretary.get(`/api/v1/notices/${noticeId}/receipts`)).json<ReceiptList>();
    expect(receipts.items.map((r) => r.householdId).sort()).toEqual([h.ma, h.yang, h.zhao].sort());
    // staff of another community see nothing of it
    expect((await otherStaff.get(`/api/v1/notices/${noticeId}`)).statusCode).toBe(404);
    expect((await otherStaff.get('/api/v1/notices')).json<{ items: unknown[] }>().items).toEqual([]);
  });

  it('refuses an empty audience, a unit outside the sender’s, an unknown tag and a file that is no document, writing nothing', async () => {
    const before = await countRows();
    const base = { orgId: world.community.id, title: '通知', body: '正文' };
    const empty = await secretary.post('/api/v1/notices', { ...base, audience: { minAge: 120 } });
    expect(empty.statusCode).toBe(400);
    expectErrorBody(empty);
    expect(empty.json<{ errors: { field: string }[] }>().errors[0]!.field).toBe('audience');

    const outside = await secretary.post('/api/v1/notices', { ...base, audience: { unitIds: [world.other.id] } });
    expect(outside.statusCode).toBe(404); // a unit from elsewhere is unknown to her: 404, naming the field
    expect(outside.json<{ errors: { field: string }[] }>().errors[0]!.field).toBe('audience.unitIds.0');
    const shanZiShi = await t.org('620102002002');
    const beyond = await secretary.post('/api/v1/notices', { ...base, orgId: shanZiShi.id, audience: {} });
    expect(beyond.statusCode).toBe(404);
    expect(beyond.json<{ errors: { field: string }[] }>().errors[0]!.field).toBe('orgId');

    const street = await t.login('street');
    const notUnder = await street.post('/api/v1/notices', {
      ...base,
      orgId: world.grid1.id,
      audience: { unitIds: [world.community.id] },
    });
    expect(notUnder.statusCode).toBe(400);
    expect(notUnder.json<{ errors: { field: string }[] }>().errors[0]!.field).toBe('audience.unitIds.0');

    const tag = await secretary.post('/api/v1/notices', { ...base, audience: { careTags: ['不存在的标签'] } });
    expect(tag.statusCode).toBe(400);
    expect(tag.json<{ errors: { field: string }[] }>().errors[0]!.field).toBe('audience.careTags.0');

    const form = multipartBody({ payload: JSON.stringify({ ...base, audience: {} }) }, [
      { field: 'attachments', fileName: 'virus.exe', data: Buffer.from('MZ not a document') },
    ]);
    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/v1/notices',
      payload: form.payload,
      headers: { 'content-type': form.contentType, ...(await headers('secretary')) },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ errors: { field: string }[] }>().errors[0]!.field).toBe('attachments.0');
    const untitled = await secretary.post('/api/v1/notices', { ...base, title: ' ', audience: {} });
    expect(untitled.statusCode).toBe(400);
    expect(await countRows()).toBe(before);
  });

  it('counts a household read from its first reader, once, and shows her the plain-words explainer', async () => {
    const list = (await ma.get('/api/v1/my/notices')).json<{
      items: { id: string; isRead: boolean }[];
      unread: number;
    }>();
    expect(list.unread).toBe(1);
    const read = await ma.post(`/api/v1/my/notices/${noticeId}/read`);
    expect(read.statusCode, read.body).toBe(200);
    expect(read.json<Mine>()).toMatchObject({
      isRead: true,
      explainer: expect.stringContaining('每月多发 50 元') as string,
    });
    await ma.post(`/api/v1/my/notices/${noticeId}/read`);
    const detail = (await secretary.get(`/api/v1/notices/${noticeId}`)).json<Detail>();
    expect(detail.read).toBe(1);
    // every household receipt is stored with its household's county, her read with her household's receipt
    const county = countyKeyOf(world.community.path);
    expect(county).toBeGreaterThan(0);
    const receipts = await t.deps.db
      .selectFrom('notice_households')
      .select('county_key')
      .where('notice_id', '=', noticeId)
      .execute();
    expect(receipts.map((r) => Number(r.county_key))).toEqual([county, county, county]);
    const reads = await t.deps.db.selectFrom('notice_reads').selectAll().where('notice_id', '=', noticeId).execute();
    expect(reads.map((r) => [r.household_id, Number(r.county_key)])).toEqual([[h.ma, county]]);
    const unread = (await secretary.get(`/api/v1/notices/${noticeId}/receipts?state=unread`)).json<ReceiptList>();
    expect(unread.items.map((r) => r.householdId).sort()).toEqual([h.yang, h.zhao].sort());
    expect((await ma.get(`/api/v1/my/notices/${noticeId}/attachments/${detail.attachments[0]!.id}`)).statusCode).toBe(
      200,
    );
  });

  it('after 3 days hands the unread households to the grid worker as visits, and her visit is recorded as 入户讲解', async () => {
    expect(await sweepNoticeFollowUps(t.deps)).toBe(0); // not yet: the days are not up
    t.clock.advance(3 * DAY + 60_000);
    await signInAgain();
    expect(await sweepNoticeFollowUps(t.deps)).toBe(1);
    expect(await sweepNoticeFollowUps(t.deps)).toBe(0); // once

    const cache = (await wg1.get('/api/v1/my/field-cache')).json<Cached>();
    const requested = cache.households.filter((x) => x.requests.some((r) => r.source.id === noticeId)).map((x) => x.id);
    expect(requested.sort()).toEqual([h.yang, h.zhao].sort());
    expect(
      cache.households
        .slice(0, 2)
        .map((x) => x.id)
        .sort(),
    ).toEqual([h.yang, h.zhao].sort());
    expect(cache.households.find((x) => x.id === h.zhao)!.requests[0]!.reasonZh).toContain('入户讲解');

    const visit = await wg1.post('/api/v1/visits', visitBody(h.zhao, t.clock.now()));
    expect(visit.statusCode, visit.body).toBe(201);
    const receipts = (await secretary.get(`/api/v1/notices/${noticeId}/receipts`)).json<ReceiptList>();
    const zhao = receipts.items.find((r) => r.householdId === h.zhao)!;
    expect(zhao.visit).toMatchObject({ status: 'closed', visitId: visit.json<{ visit: { id: string } }>().visit.id });
    expect(receipts.items.find((r) => r.householdId === h.ma)!.visit).toBeNull();
    expect((await secretary.get(`/api/v1/notices/${noticeId}`)).json<Detail>().explained).toBe(1);

    // she reads it late: the visit asked for at her household is no longer needed
    await yang.post(`/api/v1/my/notices/${noticeId}/read`);
    const after = (await wg1.get('/api/v1/my/field-cache')).json<Cached>();
    expect(after.households.find((x) => x.id === h.yang)!.requests).toEqual([]);
  });

  it('answers a question publicly for all, another privately, and turns a third into a case once', async () => {
    const asked = await ma.post(`/api/v1/my/notices/${noticeId}/questions`, { body: '我父亲户口不在本社区，能领吗？' });
    expect(asked.statusCode, asked.body).toBe(201);
    await yang.post(`/api/v1/my/notices/${noticeId}/questions`, { body: '我的社保卡丢了怎么办？' });
    await yang.post(`/api/v1/my/notices/${noticeId}/questions`, { body: '去年的津贴一直没到账' });
    const questions = (await secretary.get(`/api/v1/notices/${noticeId}`)).json<Detail>().questions;
    expect(questions).toHaveLength(3);
    const [q1, q2, q3] = questions;

    const pub = await secretary.post(`/api/v1/notice-questions/${q1!.id}/answer`, {
      answer: '按实际居住地发放，持居住证即可。',
      isPublic: true,
    });
    expect(pub.statusCode, pub.body).toBe(200);
    await secretary.post(`/api/v1/notice-questions/${q2!.id}/answer`, { answer: '请到社区补办。', isPublic: false });
    const toCase = await secretary.post(`/api/v1/notice-questions/${q3!.id}/case`);
    expect(toCase.statusCode, toCase.body).toBe(200);
    const again = await secretary.post(`/api/v1/notice-questions/${q3!.id}/case`);
    expect(again.json<{ caseId: string }>().caseId).toBe(toCase.json<{ caseId: string }>().caseId);

    const forYang = (await yang.get(`/api/v1/my/notices/${noticeId}`)).json<Mine>();
    expect(forYang.faq).toEqual([
      {
        question: '我父亲户口不在本社区，能领吗？',
        answer: '按实际居住地发放，持居住证即可。',
        answeredAt: expect.any(String) as string,
      },
    ]);
    expect(forYang.myQuestions.map((q) => q.answer)).toEqual(['请到社区补办。', null]);
    const forMa = (await ma.get(`/api/v1/my/notices/${noticeId}`)).json<Mine>();
    expect(JSON.stringify(forMa)).not.toContain('请到社区补办');
    const bell = (await yang.get('/api/v1/messages/mine')).json<{ items: { kind: string }[] }>();
    expect(bell.items.map((m) => m.kind)).toContain('notice.answer');
    expect(
      (await otherStaff.post(`/api/v1/notice-questions/${q1!.id}/answer`, { answer: 'x', isPublic: true })).statusCode,
    ).toBe(404);
    const empty = await ma.post(`/api/v1/my/notices/${noticeId}/questions`, { body: '   ' });
    expect(empty.statusCode).toBe(400);
    expect(empty.json<{ errors: { field: string }[] }>().errors[0]!.field).toBe('body');
  });
});
