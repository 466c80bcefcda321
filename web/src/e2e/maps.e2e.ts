import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { distanceMetres, type LngLat } from '../shared/geo';
import { consoleOf, launchBrowser } from './console';
import { startServer, type RunningServer } from './server';

const DEMO_PASSWORD = 'Tianzige@2026';
/** 营门滩社区's outline in the demo data (WGS-84): west, south, east, north. */
const YINGMENTAN_BOX = [103.7165, 36.0985, 103.7255, 36.1045] as const;
const SOON = { timeout: 15_000, interval: 100 };

describe('maps on AMap tiles (GCJ-02): drawn shifted, clicks stored in WGS-84', () => {
  let server: RunningServer;
  let browser: Browser;
  let context: BrowserContext;
  const tileRequests: string[] = [];

  beforeAll(async () => {
    process.env.TIANZIGE_MAP_PROVIDER = 'amap';
    try {
      server = await startServer({ demo: true });
    } finally {
      delete process.env.TIANZIGE_MAP_PROVIDER;
    }
    browser = await launchBrowser();
    context = await browser.newContext({
      viewport: { width: 1440, height: 900 },
      locale: 'zh-CN',
      reducedMotion: 'reduce',
    });
    // AMap's hosts are not reachable here: answer each tile request at once, and count them
    await context.route(/autonavi\.com/, (route) => {
      tileRequests.push(route.request().url());
      return route.abort();
    });
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.stop();
  });

  it('stores a grid drawn on the shifted community outline where the outline really is', async () => {
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const ui = consoleOf(page);
    onTestFailed(() => ui.screenshot('maps-failure'));
    await page.goto(server.baseUrl);
    await ui.signIn('yingmentan_sj', DEMO_PASSWORD);
    await page.getByRole('menuitem', { name: '组织架构' }).click();
    const map = page.getByTestId('org-map');
    const outline = map.locator('path.tz-feature.tz-focus');
    await outline.waitFor();
    await expect.poll(() => tileRequests.some((u) => u.includes('webrd0')), SOON).toBe(true);
    expect(await map.locator('.leaflet-control-attribution').innerText()).toContain('高德');

    // She draws a triangle by clicking at known fractions of the community's outline as drawn.
    await page.getByRole('button', { name: /新建网格/ }).click();
    const form = page.getByTestId('create-org-form');
    await form.getByLabel('名称').fill('测绘网格');
    const box = await outline.boundingBox();
    const mapBox = await map.boundingBox();
    if (box === null || mapBox === null) throw new Error('map not laid out');
    const fractions: [number, number][] = [
      [0.2, 0.2],
      [0.8, 0.25],
      [0.5, 0.8],
    ];
    for (const [fx, fy] of fractions) {
      await map.click({ position: { x: box.x - mapBox.x + fx * box.width, y: box.y - mapBox.y + fy * box.height } });
    }
    await expect.poll(() => form.getByTestId('vertex-count').innerText(), SOON).toContain('3');
    await form.getByRole('button', { name: '完成绘制' }).click();
    await form.getByRole('button', { name: /^新\s*建$/ }).click();
    await expect.poll(() => form.count(), SOON).toBe(0);

    // What the server stored is where those fractions of the real (WGS-84) outline are: a few metres
    // of pixel rounding, not the ~220 m a missing or doubled GCJ-02 shift would put between them.
    const stored = await page.evaluate(async () => {
      const me = (await (await fetch('/api/v1/auth/me')).json()) as { user: { assignments: { orgId: string }[] } };
      const communityId = me.user.assignments[0]!.orgId;
      const map = (await (await fetch(`/api/v1/orgs/${communityId}/map`)).json()) as {
        features: { properties: { name: string }; geometry: { coordinates: [number, number][][] } }[];
      };
      return map.features.find((f) => f.properties.name === '测绘网格')?.geometry.coordinates[0];
    });
    expect(stored).toBeDefined();
    const [west, south, east, north] = YINGMENTAN_BOX;
    const expected = fractions.map(([fx, fy]): LngLat => [west + fx * (east - west), north - fy * (north - south)]);
    for (const point of expected) {
      const nearest = Math.min(...stored!.map((v) => distanceMetres(v, point)));
      expect(nearest).toBeLessThan(15);
    }
    await ui.screenshot('maps-amap-grid');
  });
});
