import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { consoleOf, launchBrowser } from './console';
import { phoneContext } from './fixtures';
import { startServer, type RunningServer } from './server';

const DEMO_PASSWORD = 'Tianzige@2026';
const RESIDENT = 'yingmentan_jm';
const AT_YINGMENTAN = { longitude: 103.7208, latitude: 36.1016 };

/** 18 pt in CSS pixels, and the MIIT 适老化 target size for the elder interface. */
const MIN_TEXT_PX = 24;
const MIN_TARGET_PX = 60;

/**
 * Every visible piece of text on the page, with its font size, and the ones under `min` — what a
 * reader sees, not what a stylesheet says: elements that hold a text node of their own.
 */
function smallTexts(page: Page, min: number) {
  return page.evaluate((minPx) => {
    const small: string[] = [];
    let count = 0;
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
      const text = node.textContent?.trim() ?? '';
      const el = node.parentElement;
      if (text === '' || el === null) continue;
      const rect = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      if (rect.width === 0 || rect.height === 0 || style.visibility === 'hidden' || el.closest('[aria-hidden=true]'))
        continue;
      count++;
      const size = parseFloat(style.fontSize);
      if (size < minPx) small.push(`${text.slice(0, 20)} (${size}px, ${el.className || el.tagName})`);
    }
    return { count, small };
  }, min);
}

/** Visible things a finger taps, and those smaller than `min` in height or width. */
function smallTargets(page: Page, min: number) {
  return page.evaluate((minPx) => {
    const selector =
      'button, a[href], [role=button], [role=tab], [role=switch], .ant-segmented-item, .ant-radio-button-wrapper';
    const small: string[] = [];
    let count = 0;
    for (const el of document.querySelectorAll<HTMLElement>(selector)) {
      const rect = el.getBoundingClientRect();
      if (rect.width === 0 || rect.height === 0 || getComputedStyle(el).visibility === 'hidden') continue;
      count++;
      if (rect.height < minPx - 0.5 || rect.width < minPx - 0.5) {
        const name = el.getAttribute('aria-label') ?? el.textContent?.trim().slice(0, 16) ?? el.tagName;
        small.push(`${name} ${Math.round(rect.width)}×${Math.round(rect.height)}`);
      }
    }
    return { count, small };
  }, min);
}

/**
 * The WCAG contrast ratio of the element's text against what is behind it: its colour over the
 * first ancestor (or itself) that paints a background, alpha blended as the browser draws it.
 */
function contrastOf(page: Page, selector: string) {
  return page
    .locator(selector)
    .first()
    .evaluate((el) => {
      type Rgba = [number, number, number, number];
      const parse = (css: string): Rgba => {
        const [r = 0, g = 0, b = 0, a = 1] = (css.match(/[\d.]+/g) ?? []).map(Number);
        return [r, g, b, css.startsWith('rgba') ? a : 1];
      };
      const over = (top: Rgba, bottom: Rgba): Rgba => {
        const a = top[3];
        return [0, 1, 2].map((i) => top[i]! * a + bottom[i]! * (1 - a)).concat(1) as Rgba;
      };
      const backgroundOf = (start: Element): Rgba => {
        const layers: Rgba[] = [];
        for (let e: Element | null = start; e !== null; e = e.parentElement) {
          const bg = parse(getComputedStyle(e).backgroundColor);
          if (bg[3] > 0) layers.push(bg);
          if (bg[3] >= 1) break;
        }
        return layers.reduceRight<Rgba>((below, layer) => over(layer, below), [255, 255, 255, 1]);
      };
      const luminance = ([r, g, b]: Rgba) => {
        const f = (c: number) => {
          const s = c / 255;
          return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
        };
        return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
      };
      const bg = backgroundOf(el);
      const fg = over(parse(getComputedStyle(el).color), bg);
      const [hi, lo] = [luminance(fg), luminance(bg)].sort((x, y) => y - x) as [number, number];
      return (hi + 0.05) / (lo + 0.05);
    });
}

/** Whether anything sticks out sideways (a phone then zooms the whole page out, and the tab bar drops off the screen). */
const overflowsSideways = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);

/** The demo resident has a password: the phone's sign-in offers it under "staff sign-in" beside the SMS code. */
async function signInWithPassword(page: Page) {
  await page.getByTestId('staff-login-link').click();
  await page.getByLabel('用户名', { exact: true }).fill(RESIDENT);
  await page.getByLabel('密码', { exact: true }).fill(DEMO_PASSWORD);
  await page.locator('button[type=submit]').click();
}

const isElderOn = (page: Page) => page.evaluate(() => document.documentElement.classList.contains('tz-elder'));
const fontSizeOf = (page: Page, selector: string) =>
  page
    .locator(selector)
    .first()
    .evaluate((el) => parseFloat(getComputedStyle(el).fontSize));

describe('大字模式: the resident H5 for someone who reads large, taps slowly and would rather speak', () => {
  let server: RunningServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  const signedInPhone = async (init?: () => void) => {
    const context = await phoneContext(browser, AT_YINGMENTAN);
    contexts.push(context);
    if (init !== undefined) await context.addInitScript(init);
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${server.baseUrl}/m/cases`);
    await signInWithPassword(page);
    await page.waitForURL('**/m/cases');
    await page.getByTestId('my-cases').waitFor();
    return page;
  };

  beforeAll(async () => {
    server = await startServer({ demo: true });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await server?.stop();
  });

  it('turns large text on from the header of every page: text ≥ 18 pt, targets ≥ 60 px, contrast ≥ 4.5:1, kept after a reload, and off again', async () => {
    const page = await signedInPhone();
    const ui = consoleOf(page);
    onTestFailed(() => ui.screenshot('elder-failure'));
    await ui.screenshot('elder-01-cases-normal');
    expect(await isElderOn(page)).toBe(false);
    expect(await fontSizeOf(page, '.tz-m-body')).toBeLessThan(MIN_TEXT_PX);

    await page.getByTestId('elder-switch').click();
    expect(await isElderOn(page)).toBe(true);
    expect(await page.getByTestId('elder-switch').getAttribute('aria-checked')).toBe('true');

    for (const [path, ready, shot] of [
      ['/m/cases', 'my-cases', 'elder-02-cases'],
      ['/m/cases/new', 'report-form', 'elder-03-new-case'],
      ['/m/notifications', 'notifications', 'elder-04-messages'],
    ] as const) {
      if (!page.url().endsWith(path)) await page.goto(`${server.baseUrl}${path}`);
      await page.getByTestId(ready).waitFor();
      // the switch is in this page's header
      await page.getByTestId('elder-switch').waitFor();
      await ui.screenshot(shot);
      const texts = await smallTexts(page, MIN_TEXT_PX);
      expect(texts.count).toBeGreaterThan(3);
      expect(texts.small, `text under 24 px on ${path}`).toEqual([]);
      const targets = await smallTargets(page, MIN_TARGET_PX);
      expect(targets.count).toBeGreaterThan(3);
      expect(targets.small, `targets under 60 px on ${path}`).toEqual([]);
      expect(await contrastOf(page, '.tz-m-body .ant-typography, .tz-m-body label')).toBeGreaterThanOrEqual(4.5);
      expect(await contrastOf(page, '.tz-phone-tab.active')).toBeGreaterThanOrEqual(4.5);
      expect(await contrastOf(page, '.tz-phone-tab:not(.active)')).toBeGreaterThanOrEqual(4.5);
      expect(await overflowsSideways(page), `${path} wider than the phone`).toBe(false);
    }
    // one of her cases: facts, steps and their times
    await page.goto(`${server.baseUrl}/m/cases`);
    await page.getByTestId('my-case').first().click();
    await page.getByTestId('case-timeline').waitFor();
    await ui.screenshot('elder-04c-case-detail');
    expect((await smallTexts(page, MIN_TEXT_PX)).small).toEqual([]);
    expect((await smallTargets(page, MIN_TARGET_PX)).small).toEqual([]);
    expect(await overflowsSideways(page)).toBe(false);
    // the English words are longer: the header still fits
    await page.getByText('EN', { exact: true }).click();
    await page.getByTestId('elder-switch').getByText('Large text').waitFor();
    expect(await overflowsSideways(page)).toBe(false);
    expect((await smallTargets(page, MIN_TARGET_PX)).small).toEqual([]);
    await ui.screenshot('elder-04d-case-detail-en');
    await page.getByText('中文', { exact: true }).click();
    // on the report form: its labels, the hint under a field, the placeholder-grey helper text and the send button
    await page.goto(`${server.baseUrl}/m/cases/new`);
    await page.getByTestId('report-form').waitFor();
    expect(await contrastOf(page, '.ant-form-item-label label')).toBeGreaterThanOrEqual(4.5);
    expect(await contrastOf(page, '.ant-form-item-extra')).toBeGreaterThanOrEqual(4.5);
    expect(await contrastOf(page, '.ant-typography-secondary')).toBeGreaterThanOrEqual(4.5);
    expect(await contrastOf(page, '.ant-btn-primary')).toBeGreaterThanOrEqual(4.5);
    expect(await fontSizeOf(page, 'textarea')).toBeGreaterThanOrEqual(MIN_TEXT_PX);

    // remembered: a reload (or tomorrow) opens in large text
    await page.reload();
    await page.getByTestId('report-form').waitFor();
    expect(await isElderOn(page)).toBe(true);
    expect(await fontSizeOf(page, '.tz-m-body')).toBeGreaterThanOrEqual(MIN_TEXT_PX);

    // and one tap turns it off again, also for next time
    await page.getByTestId('elder-switch').click();
    expect(await isElderOn(page)).toBe(false);
    expect(await fontSizeOf(page, '.tz-m-body')).toBeLessThan(MIN_TEXT_PX);
    await page.reload();
    await page.getByTestId('report-form').waitFor();
    expect(await isElderOn(page)).toBe(false);
    await ui.screenshot('elder-05-new-case-normal');
  });

  it('offers 大字 on the sign-in page too, where she meets the app first', async () => {
    const context = await phoneContext(browser, AT_YINGMENTAN);
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const ui = consoleOf(page);
    onTestFailed(() => ui.screenshot('elder-login-failure'));
    await page.goto(`${server.baseUrl}/m/cases`);
    await page.getByTestId('login-phone').waitFor();
    await page.getByTestId('elder-switch').click();
    expect(await isElderOn(page)).toBe(true);
    await page.getByTestId('login-phone').fill('13900000001');
    // the resend countdown ticks while she finds the SMS: what she typed stays, the code box stays open
    await page.getByTestId('send-code').click();
    const sent = page.getByTestId('code-sent');
    await sent.waitFor();
    await page.getByTestId('login-code').fill('12');
    const firstCount = await sent.innerText();
    await expect.poll(() => sent.innerText(), { timeout: 5_000 }).not.toBe(firstCount);
    expect(await page.getByTestId('login-phone').inputValue()).toBe('13900000001');
    expect(await page.getByTestId('login-code').inputValue()).toBe('12');
    await ui.screenshot('elder-00-sign-in');
    expect((await smallTexts(page, MIN_TEXT_PX)).small).toEqual([]);
    expect((await smallTargets(page, MIN_TARGET_PX)).small).toEqual([]);
    expect(await overflowsSideways(page)).toBe(false);
    expect(await contrastOf(page, '.ant-btn-primary')).toBeGreaterThanOrEqual(4.5);
    // her choice carries into the app once she is in
    await signInWithPassword(page);
    await page.getByTestId('my-cases').waitFor();
    expect(await isElderOn(page)).toBe(true);
  });

  it('keeps the description she typed through a reload and a session that ran out while she wrote', async () => {
    const page = await signedInPhone();
    const ui = consoleOf(page);
    onTestFailed(() => ui.screenshot('elder-draft-failure'));
    const words = '三单元楼道的灯坏了一个多星期，晚上上下楼看不见';
    await page.goto(`${server.baseUrl}/m/cases/new`);
    await page.getByLabel('问题描述').fill(words);
    await page.getByLabel('详细地址（选填）').fill('营门滩路18号');

    await page.reload();
    await page.getByTestId('report-form').waitFor();
    expect(await page.getByLabel('问题描述').inputValue()).toBe(words);
    expect(await page.getByLabel('详细地址（选填）').inputValue()).toBe('营门滩路18号');
    await page.getByTestId('draft-restored').waitFor();

    // the session ends under her (the server forgets it after 30 idle minutes): she signs in again and finds her words
    await page.context().clearCookies();
    await page.reload();
    await signInWithPassword(page);
    await page.getByTestId('elder-switch').waitFor();
    if (!page.url().endsWith('/m/cases/new')) await page.goto(`${server.baseUrl}/m/cases/new`);
    await page.getByTestId('report-form').waitFor();
    expect(await page.getByLabel('问题描述').inputValue()).toBe(words);

    // once sent, the draft is gone: the next report starts empty
    await page.getByTestId('use-location').click();
    await page.getByTestId('pinned').waitFor();
    await page.getByTestId('category-chosen').waitFor();
    await page.getByTestId('report-submit').click();
    const detail = page.getByTestId('case-detail');
    const duplicates = page.getByTestId('duplicates');
    await detail.or(duplicates).first().waitFor();
    if (await duplicates.isVisible()) {
      await duplicates.getByTestId('submit-anyway').click();
      await detail.waitFor();
    }
    await page.goto(`${server.baseUrl}/m/cases/new`);
    await page.getByTestId('report-form').waitFor();
    expect(await page.getByLabel('问题描述').inputValue()).toBe('');
    expect(await page.getByTestId('draft-restored').count()).toBe(0);
  });

  it('shows the microphone only where the browser can listen, and adds what she says after what she typed', async () => {
    const deaf = await signedInPhone(() => {
      const w = window as unknown as Record<string, unknown>;
      delete w.SpeechRecognition;
      delete w.webkitSpeechRecognition;
    });
    await deaf.goto(`${server.baseUrl}/m/cases/new`);
    await deaf.getByTestId('report-form').waitFor();
    expect(await deaf.getByTestId('voice-input').count()).toBe(0);

    // a stand-in for the browser's recognizer: it "hears" one sentence and says which language it was asked for
    const listening = await signedInPhone(() => {
      const w = window as unknown as Record<string, unknown>;
      delete w.SpeechRecognition;
      class FakeRecognition {
        lang = '';
        continuous = false;
        interimResults = false;
        maxAlternatives = 1;
        onresult: ((e: unknown) => void) | null = null;
        onerror: ((e: unknown) => void) | null = null;
        onend: (() => void) | null = null;
        start() {
          w.__heardLang = this.lang;
          setTimeout(() => {
            const result = Object.assign([{ transcript: '隔壁工地夜里施工太吵', confidence: 0.9 }], { isFinal: true });
            this.onresult?.({ resultIndex: 0, results: [result] });
            this.onend?.();
          }, 50);
        }
        stop() {
          this.onend?.();
        }
        abort() {
          this.onend?.();
        }
      }
      w.webkitSpeechRecognition = FakeRecognition;
      localStorage.setItem('tz.elder', '1');
    });
    const ui = consoleOf(listening);
    onTestFailed(() => ui.screenshot('elder-voice-failure'));
    await listening.goto(`${server.baseUrl}/m/cases/new`);
    await listening.getByTestId('report-form').waitFor();
    await listening.getByLabel('问题描述').fill('三单元');
    const mic = listening.getByTestId('voice-input');
    expect((await mic.boundingBox())?.height).toBeGreaterThanOrEqual(MIN_TARGET_PX);
    await mic.click();
    await expect.poll(() => listening.getByLabel('问题描述').inputValue()).toBe('三单元隔壁工地夜里施工太吵');
    expect(await listening.evaluate(() => (window as unknown as Record<string, unknown>).__heardLang)).toBe('zh-CN');
    // what she said suggests categories; their long names wrap inside the phone
    await listening.getByTestId('category-suggestion').first().waitFor();
    expect(await overflowsSideways(listening)).toBe(false);
    await ui.screenshot('elder-06-voice');
  });
});
