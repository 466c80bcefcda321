import { z } from 'zod';
import type { Config } from '../../config.ts';

/**
 * The base map every Leaflet map of the web draws under its outlines and pins (DESIGN rule 12: one
 * adapter per outside service, a local default). Stored coordinates are WGS-84 throughout; `datum`
 * tells the browser whether to shift what it draws onto GCJ-02 tiles and to shift clicks back.
 */
export const MAP_PROVIDERS = ['tianditu', 'amap', 'custom', 'none'] as const;
export type MapProvider = (typeof MAP_PROVIDERS)[number];

export const TileLayerSettings = z.object({
  /** a Leaflet URL template: {s} subdomain, {z}/{x}/{y} tile */
  url: z.string(),
  /** the characters {s} takes, e.g. "01234567" */
  subdomains: z.string(),
  maxZoom: z.number().int(),
});

export const MapSettings = z.object({
  provider: z.enum(MAP_PROVIDERS),
  /** the datum the tiles are drawn in; `none` draws on plain paper, in WGS-84 */
  datum: z.enum(['wgs84', 'gcj02']),
  /** plain text the map shows in its corner, as the provider's terms require */
  attribution: z.string().nullable(),
  /** bottom first: the base map, then its labels */
  layers: z.array(TileLayerSettings),
});
export type MapSettings = z.infer<typeof MapSettings>;

// 天地图's published WMTS service, Web Mercator ("_w") matrix set, read as XYZ tiles.
const tiandituLayer = (layer: 'vec' | 'cva', key: string) =>
  `https://t{s}.tianditu.gov.cn/${layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=${layer}` +
  `&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=${encodeURIComponent(key)}`;

// AMap's road map with labels (style 8), in GCJ-02.
const AMAP_TILES = 'https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}';

/** Which provider a configuration means: the explicit setting, else 天地图 if keyed, else a custom URL. */
export function chooseMapProvider(config: Config): MapProvider {
  if (config.mapProvider !== undefined) return config.mapProvider;
  if (config.tiandituKey !== undefined) return 'tianditu';
  if (config.tileUrl !== undefined) return 'custom';
  return 'none';
}

/** The base map the browser should draw, from the configuration (validated at boot). */
export function resolveMapSettings(config: Config): MapSettings {
  const provider = chooseMapProvider(config);
  switch (provider) {
    case 'tianditu': {
      const key = config.tiandituKey ?? '';
      return {
        provider,
        datum: 'wgs84',
        attribution: '天地图 © 国家地理信息公共服务平台',
        layers: [
          { url: tiandituLayer('vec', key), subdomains: '01234567', maxZoom: 18 },
          { url: tiandituLayer('cva', key), subdomains: '01234567', maxZoom: 18 },
        ],
      };
    }
    case 'amap':
      return {
        provider,
        datum: 'gcj02',
        attribution: '© 高德地图 AutoNavi',
        layers: [{ url: AMAP_TILES, subdomains: '1234', maxZoom: 18 }],
      };
    case 'custom':
      return {
        provider,
        datum: config.tileDatum ?? 'wgs84',
        attribution: null,
        layers: config.tileUrl === undefined ? [] : [{ url: config.tileUrl, subdomains: 'abc', maxZoom: 19 }],
      };
    case 'none':
      return { provider, datum: 'wgs84', attribution: null, layers: [] };
  }
}

/** The origins the pages may load tiles from (the CSP's img-src): each subdomain spelled out. */
export function mapTileOrigins(config: Config): string[] {
  const origins = new Set<string>();
  for (const layer of resolveMapSettings(config).layers) {
    const fills = layer.url.includes('{s}') ? [...layer.subdomains] : [''];
    for (const s of fills) {
      const url = layer.url.replaceAll('{s}', s).replace(/\{[a-z]+\}/g, '0');
      origins.add(new URL(url).origin);
    }
  }
  return [...origins];
}
