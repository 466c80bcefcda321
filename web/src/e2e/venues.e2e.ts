import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleOf, launchBrowser } from './console';
import { deskContext, phoneContext } from './fixtures';
import { startServer, type RunningServer } from './server';

/** 营门滩社区's bound demo resident, and the one whose binding request waits (docs/residents.md). */
const HER = { phone: '13900000003', masked: '139****0003' };
const NEIGHBOUR = { phone: '13900000013', masked: '139****0013' };
const PASSWORD = 'Tianzige@2026';
const YINGMENTAN = '620105006010';

/** Calls the API from a signed-in page, as the app's client does (session cookie and CSRF header). */
async function callApi(page: Page, method: string, url: string, body?: unknown) {
  return page.evaluate(
    async ({ method, url, body }) => {
      const csrf = document.cookie
        .split('; ')
        .find((p) => p.startsWith('tz_csrf='))
        ?.slice('tz_csrf='.length);
      const res = await fetch(url, {
        method,
        headers: { 'content-type': 'application/json', ...(csrf ? { 'x-csrf-token': decodeURIComponent(csrf) } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, json: (await res.json()) as Record<string, unknown> };
    },
    { method, url, body },
  );
}

/** Shanghai's calendar day and minute now. */
function shanghaiNow(): { day: string; min: number; weekday: number } {
  const local = new Date(Date.now() + 8 * 3_600_000);
  return {
    day: local.toISOString().slice(0, 10),
    min: local.getUTCHours() * 60 + local.getUTCMinutes(),
    weekday: local.getUTCDay() || 7,
  };
}
const addDays = (day: string, n: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const hhmm = (min: number) => `${String(Math.floor(min / 60)).padStart(2, '0')}:${String(min % 60).padStart(2, '0')}`;

/**
 * Picks a time in an antd Select by keyboard: the list is virtual (far options are not in the page),
 * so the active option moves with the arrow keys until it is the one wanted, then Enter takes it.
 */
async function pickTime(page: Page, select: Locator, value: string) {
  await select.click();
  const dropdown = page.locator('.ant-select-dropdown:visible');
  await dropdown.waitFor();
  for (let i = 0; i < 60; i++) {
    const active = (await dropdown.locator('.ant-select-item-option-active').first().textContent())?.trim() ?? '';
    if (active === value) break;
    await page.keyboard.press(active < value ? 'ArrowDown' : 'ArrowUp');
  }
  await expect
    .poll(async () => (await dropdown.locator('.ant-select-item-option-active').first().textContent())?.trim())
    .toBe(value);
  await page.keyboard.press('Enter');
  await dropdown.waitFor({ state: 'hidden' });
}

/**
 * Issue 13's story for rooms: a resident of 营门滩社区 books the 舞蹈室 every Tuesday evening from her
 * phone and the secretary approves them in the console; a second resident's overlapping booking is
 * refused; at the front desk the secretary checks a booking in as she arrives; the community's public
 * page shows the Tuesday evenings as taken without naming her.
 */
describe('booking the 舞蹈室 for Tuesday evenings', () => {
  let server: RunningServer;
  let browser: Browser;
  let herPhone: Page | undefined;

  beforeAll(async () => {
    server = await startServer({ demo: true });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const codeFor = async (masked: string, after: number) => {
    for (let i = 0; i < 80; i++) {
      const lines = server
        .output()
        .slice(after)
        .split('\n')
        .filter((l) => l.includes(`sms to ${masked} (auth.sms_code)`));
      const code = /验证码为 (\d{6})/.exec(lines.at(-1) ?? '')?.[1];
      if (code !== undefined) return code;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error(`no code for ${masked}`);
  };
  const signInOnPhone = async (who: { phone: string; masked: string }) => {
    const phone = await (await phoneContext(browser)).newPage();
    await phone.goto(`${server.baseUrl}/m/me`);
    const mark = server.output().length;
    await phone.getByTestId('login-phone').fill(who.phone);
    await phone.getByTestId('send-code').click();
    await phone.getByTestId('login-code').fill(await codeFor(who.masked, mark));
    await phone.getByTestId('login-submit').click();
    await phone.getByTestId('login-submit').waitFor({ state: 'detached' });
    return phone;
  };
  const bookOnPhone = async (
    phone: Page,
    room: string,
    b: { date: string; start: string; end: string; purpose: string; until?: string },
  ) => {
    await phone.goto(`${server.baseUrl}/m/venues`);
    await phone.locator(`[data-testid=venue-space][data-name=${room}]`).getByTestId('venue-book').click();
    await phone.getByTestId('venue-date').fill(b.date);
    await pickTime(phone, phone.getByTestId('venue-start'), b.start);
    await pickTime(phone, phone.getByTestId('venue-end'), b.end);
    await phone.getByTestId('venue-purpose').fill(b.purpose);
    await phone.getByTestId('venue-attendees').fill('12');
    if (b.until !== undefined) {
      await phone.getByTestId('venue-weekly').click();
      await phone.getByTestId('venue-until').fill(b.until);
    }
    await phone.getByTestId('venue-submit').click();
  };

  it('books weekly from the phone, the secretary approves, an overlap is refused, check-in at the door', async () => {
    const now = shanghaiNow();
    const tuesday = addDays(now.day, (2 - now.weekday + 7) % 7 || 7);
    const lastTuesday = addDays(tuesday, 21);

    // before anything changes: every demo room is closed on Mondays, so the public week says 闭馆 that day, not 空闲
    const before = await (await phoneContext(browser)).newPage();
    await before.goto(`${server.baseUrl}/p/${YINGMENTAN}`);
    const mondayRow = before.locator(
      `[data-testid=public-venue-day][data-day="${addDays(now.day, (1 - now.weekday + 7) % 7)}"]`,
    );
    await mondayRow.getByTestId('public-venue-day-closed').waitFor();
    expect(await mondayRow.textContent()).not.toContain('空闲');

    // she books the 舞蹈室 every Tuesday 19:00–21:00 for four weeks; it needs approval
    const phone = await signInOnPhone(HER);
    herPhone = phone;
    await bookOnPhone(phone, '舞蹈室', {
      date: tuesday,
      start: '19:00',
      end: '21:00',
      purpose: '广场舞队排练',
      until: lastTuesday,
    });
    await phone.getByTestId('venues-tab-mine').waitFor();
    await phone.locator('[data-testid=my-booking][data-status=pending]').nth(3).waitFor();
    expect(await phone.locator('[data-testid=my-booking][data-status=pending]').count()).toBe(4);

    // the secretary approves the weekly booking as a whole in the console
    const desk = consoleOf(await (await deskContext(browser)).newPage());
    await desk.page.goto(`${server.baseUrl}/`);
    await desk.signIn('yingmentan_sj', PASSWORD);
    await desk.openSection('阵地与活动');
    const queue = desk.page.getByTestId('pending-queue');
    await queue.getByText('每周，共 4 次').waitFor();
    await queue.locator('[data-testid=booking-card][data-space=舞蹈室]').getByTestId('booking-approve').click();
    await queue.getByText('没有待审核的预约').waitFor();
    await desk.screenshot('venues-console-calendar');

    await phone.reload();
    await phone.locator('[data-testid=my-booking][data-status=approved]').nth(3).waitFor();
    expect(await phone.locator('[data-testid=my-booking][data-status=pending]').count()).toBe(0);

    // a second resident (her binding confirmed by the secretary) tries the same Tuesday at 20:00: refused
    const pending = await callApi(desk.page, 'GET', '/api/v1/resident-bindings?status=pending');
    const requests = (pending.json as { items: { id: string }[] }).items;
    expect(requests.length).toBeGreaterThan(0);
    for (const r of requests)
      expect((await callApi(desk.page, 'POST', `/api/v1/resident-bindings/${r.id}/confirm`, {})).status).toBe(200);
    const neighbour = await signInOnPhone(NEIGHBOUR);
    await bookOnPhone(neighbour, '舞蹈室', {
      date: addDays(tuesday, 7),
      start: '20:00',
      end: '21:00',
      purpose: '合唱',
    });
    expect(await neighbour.getByTestId('venue-error').textContent()).toContain('该时段已被预约');
    await neighbour.screenshot({ path: `${import.meta.dirname}/screenshots/venues-phone-refused.png` });

    // at the front desk: the 音乐室 made a 24-hour room, she books the coming half hour and is checked in
    await desk.page.getByTestId('vc-tab-rooms').click();
    await desk.page.locator('[data-testid=room-row][data-name=音乐室]').getByTestId('room-edit').click();
    const modal = desk.page.locator('.ant-modal:visible');
    await pickTime(desk.page, modal.getByTestId('room-opens'), '00:00');
    await pickTime(desk.page, modal.getByTestId('room-closes'), '24:00');
    const monday = modal.getByRole('checkbox', { name: '周一' });
    if (await monday.isChecked()) await monday.uncheck();
    await modal.getByTestId('room-save').click();
    await modal.waitFor({ state: 'hidden' });
    await desk.page.locator('[data-testid=room-row][data-name=音乐室]').getByText('00:00–24:00').waitFor();

    // the next slot, for an hour or up to midnight (a booking ends by 24:00); after 23:30 that is
    // tomorrow's 00:00, whose check-in has opened and which the door view shows too
    const soon = shanghaiNow();
    const startMin = Math.floor(soon.min / 30) * 30 + 30;
    const day = startMin >= 24 * 60 ? addDays(soon.day, 1) : soon.day;
    const start = startMin % (24 * 60);
    const end = Math.min(start + 60, 24 * 60);
    const rooms = await callApi(phone, 'GET', '/api/v1/my/venues');
    const music = (rooms.json as { items: { spaces: { id: string; name: string }[] }[] }).items[0]!.spaces.find(
      (s) => s.name === '音乐室',
    )!;
    const booked = await callApi(phone, 'POST', '/api/v1/my/venue-bookings', {
      spaceId: music.id,
      date: day,
      start: hhmm(start),
      end: hhmm(end),
      purpose: '二胡练习',
      attendees: 2,
    });
    expect(booked.status, JSON.stringify(booked.json)).toBe(201);

    await desk.page.goto(`${server.baseUrl}/venues?tab=door`);
    const card = desk.page.getByTestId('door-view').locator('[data-testid=booking-card][data-space=音乐室]');
    await card.getByTestId('booking-check-in').click();
    await card.locator('[data-testid=booking-status]', { hasText: '已签到' }).waitFor();
    await desk.screenshot('venues-console-door');

    // the community's public page: Tuesday evening's 舞蹈室 is taken, naming no one
    const visitor = await (await phoneContext(browser)).newPage();
    await visitor.goto(`${server.baseUrl}/p/${YINGMENTAN}`);
    const calendar = visitor.getByTestId('public-venues');
    await calendar.waitFor();
    expect(await calendar.getByTestId('public-venue-area').textContent()).toContain('90% 向居民开放');
    if (tuesday > addDays(now.day, 6)) await calendar.getByTestId('public-venues-next').click();
    const evening = calendar.locator(`[data-testid=public-venue-day][data-day="${tuesday}"]`);
    await evening.getByText('19:00–21:00 舞蹈室 · 已预约').waitFor();
    expect(await calendar.textContent()).not.toContain('广场舞队排练');
  });
  it('the secretary adds places to an activity she signed up for, then calls it off; her phone says so', async () => {
    const desk = consoleOf(await (await deskContext(browser)).newPage());
    await desk.page.goto(`${server.baseUrl}/`);
    await desk.signIn('yingmentan_sj', PASSWORD);
    await desk.openSection('阵地与活动');
    const centres = await callApi(desk.page, 'GET', '/api/v1/venue-centres');
    const centre = (centres.json as { items: { id: string; orgName: string }[] }).items.find((c) =>
      c.orgName.includes('营门滩'),
    )!;
    const day = addDays(shanghaiNow().day, 3);
    const made = await callApi(desk.page, 'POST', '/api/v1/venue-activities', {
      centreId: centre.id,
      place: '小区广场',
      title: '防诈骗讲座',
      audience: 'elderly',
      host: '营门滩社区',
      date: day,
      start: '09:00',
      end: '10:00',
      capacity: 1,
    });
    expect(made.status, JSON.stringify(made.json)).toBe(201);

    // her phone from the first story (a second code for the same number so soon is refused, as it should be)
    const phone = herPhone ?? (await signInOnPhone(HER));
    await phone.goto(`${server.baseUrl}/m/venues`);
    await phone.getByTestId('venues-tab-activities').click();
    const card = phone.locator('[data-testid=activity][data-title=防诈骗讲座]');
    await card.getByTestId('activity-signup').click();
    await card.getByTestId('activity-my-status').waitFor();

    // more places: the secretary changes the activity in the console
    await desk.page.goto(`${server.baseUrl}/venues?tab=activities`);
    const row = desk.page.locator('[data-testid=activity-row][data-title=防诈骗讲座]');
    await row.getByTestId('activity-change').click();
    const modal = desk.page.locator('.ant-modal:visible');
    await modal.getByTestId('activity-capacity').fill('30');
    await modal.getByTestId('activity-save').click();
    await modal.waitFor({ state: 'hidden' });
    await row.getByText('1/30', { exact: false }).waitFor();

    // called off, with the reason: the row says 已取消 and her phone keeps it, marked 已取消
    await row.getByTestId('activity-call-off').click();
    const callOff = desk.page.locator('.ant-modal:visible');
    await callOff.getByTestId('activity-call-off-reason').fill('主讲民警临时出警，改期另行通知');
    await callOff.getByTestId('activity-call-off-confirm').click();
    await callOff.waitFor({ state: 'hidden' });
    await row.getByText('已取消').waitFor();
    await phone.reload();
    await phone.getByTestId('venues-tab-activities').click();
    await phone.locator('[data-testid=activity][data-title=防诈骗讲座]').getByTestId('activity-called-off').waitFor();
    const bell = await callApi(phone, 'GET', '/api/v1/messages/mine');
    expect(JSON.stringify(bell.json)).toContain('主讲民警临时出警');
  });
});
