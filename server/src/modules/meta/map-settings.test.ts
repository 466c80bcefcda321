import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../app.ts';
import { ConfigError, loadConfig } from '../../config.ts';
import { createTestContext, DIALECTS, type TestContext } from '../../test/harness.ts';

const KEY = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';

/** The env's map settings applied to the test app's configuration, through the real parser. */
function mapConfigOf(env: Record<string, string>) {
  const c = loadConfig({ TIANZIGE_DATA_DIR: '/tmp/unused', ...env }, '/');
  return { tileUrl: c.tileUrl, mapProvider: c.mapProvider, tiandituKey: c.tiandituKey, tileDatum: c.tileDatum };
}

describe.each(DIALECTS)('map settings (%s)', (dialect) => {
  let ctx: TestContext;
  const apps: FastifyInstance[] = [];

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await ctx.close();
  });

  async function metaWith(env: Record<string, string>) {
    const app = await buildApp({ ...ctx.deps, config: { ...ctx.deps.config, ...mapConfigOf(env) } });
    apps.push(app);
    const res = await app.inject({ method: 'GET', url: '/api/v1/meta' });
    expect(res.statusCode).toBe(200);
    const body = res.json<{
      map: {
        provider: string;
        datum: string;
        attribution: string | null;
        layers: { url: string; subdomains: string; maxZoom: number }[];
      };
    }>();
    return { map: body.map, csp: String(res.headers['content-security-policy']) };
  }

  it('draws on plain paper in WGS-84 when no key and no tile server is set', async () => {
    const { map } = await metaWith({});
    expect(map).toEqual({ provider: 'none', datum: 'wgs84', attribution: null, layers: [] });
  });

  it('uses 天地图 vector tiles and their labels, no offset, once a key is set', async () => {
    const { map, csp } = await metaWith({ TIANZIGE_TIANDITU_KEY: KEY });
    expect(map.provider).toBe('tianditu');
    expect(map.datum).toBe('wgs84');
    expect(map.attribution).toContain('天地图');
    expect(map.layers.map((l) => new URL(l.url.replace('{s}', '0')).pathname)).toEqual(['/vec_w/wmts', '/cva_w/wmts']);
    for (const layer of map.layers) {
      expect(layer.subdomains).toBe('01234567');
      const url = new URL(layer.url.replace('{s}', '3'));
      expect(url.host).toBe('t3.tianditu.gov.cn');
      expect(url.searchParams.get('tk')).toBe(KEY);
      expect(url.searchParams.get('TILEMATRIXSET')).toBe('w');
      expect(url.searchParams.get('SERVICE')).toBe('WMTS');
      expect([
        url.searchParams.get('TILEMATRIX'),
        url.searchParams.get('TILEROW'),
        url.searchParams.get('TILECOL'),
      ]).toEqual(['{z}', '{y}', '{x}']);
    }
    for (const s of '01234567') expect(csp).toContain(`https://t${s}.tianditu.gov.cn`);
  });

  it('uses AMap tiles in GCJ-02 when asked, so the browser shifts what it draws', async () => {
    const { map, csp } = await metaWith({ TIANZIGE_MAP_PROVIDER: 'amap', TIANZIGE_TIANDITU_KEY: KEY });
    expect(map.provider).toBe('amap');
    expect(map.datum).toBe('gcj02');
    expect(map.attribution).toContain('高德');
    expect(map.layers).toHaveLength(1);
    const url = new URL(map.layers[0]!.url.replace('{s}', '2'));
    expect(url.host).toBe('webrd02.is.autonavi.com');
    expect(url.searchParams.get('style')).toBe('8');
    expect(csp).toContain('https://webrd04.is.autonavi.com');
    expect(csp).not.toContain('tianditu');
  });

  it('uses a custom tile server with the datum it is declared in', async () => {
    const tileUrl = 'https://tiles.example.cn/{z}/{x}/{y}.png';
    const plain = await metaWith({ TIANZIGE_TILE_URL: tileUrl });
    expect(plain.map).toEqual({
      provider: 'custom',
      datum: 'wgs84',
      attribution: null,
      layers: [{ url: tileUrl, subdomains: 'abc', maxZoom: 19 }],
    });
    expect(plain.csp).toContain('https://tiles.example.cn');
    const shifted = await metaWith({ TIANZIGE_TILE_URL: tileUrl, TIANZIGE_TILE_DATUM: 'gcj02' });
    expect(shifted.map.datum).toBe('gcj02');
  });

  it('refuses at boot a provider without what it needs, or a datum it does not know', () => {
    expect(() => mapConfigOf({ TIANZIGE_MAP_PROVIDER: 'tianditu' })).toThrow(ConfigError);
    expect(() => mapConfigOf({ TIANZIGE_MAP_PROVIDER: 'custom' })).toThrow(ConfigError);
    expect(() =>
      mapConfigOf({ TIANZIGE_TILE_URL: 'https://t.example/{z}/{x}/{y}.png', TIANZIGE_TILE_DATUM: 'bd09' }),
    ).toThrow(ConfigError);
    expect(() => mapConfigOf({ TIANZIGE_TIANDITU_KEY: 'key with spaces&x=1' })).toThrow(ConfigError);
  });
});
