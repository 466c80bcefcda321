import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import type { Meta } from '../api/types';
import { escapeHtml } from './escape-html';
import { fromDisplayDatum, mapGeometryPositions, toDisplayDatum, type LngLat } from './geo';

/** What /api/v1/meta says about the base map: provider, datum, attribution, tile layers. */
export type MapSettings = Meta['map'];

/**
 * Puts the configured tiles under a Leaflet map (天地图 base + labels, AMap, or a custom server) with
 * the provider's attribution; without any, the map stays on plain squared paper (the `tz-map` CSS),
 * which also shows through wherever a tile fails to load. Returns what undoes it.
 */
export function addBaseMap(map: L.Map, settings: MapSettings | undefined): () => void {
  if (settings === undefined || settings.layers.length === 0) return () => undefined;
  const container = map.getContainer();
  container.classList.add('tz-map-tiled');
  const layers = settings.layers.map((layer) =>
    L.tileLayer(layer.url, { subdomains: layer.subdomains, maxZoom: 19, maxNativeZoom: layer.maxZoom }).addTo(map),
  );
  const attribution =
    settings.attribution === null
      ? null
      : L.control.attribution({ prefix: false }).addAttribution(escapeHtml(settings.attribution)).addTo(map);
  return () => {
    for (const layer of layers) layer.remove();
    attribution?.remove();
    container.classList.remove('tz-map-tiled');
  };
}

/**
 * Stored points are WGS-84; on GCJ-02 tiles (AMap) they are drawn shifted, or they would sit some
 * 200–600 m off the streets they belong to.
 */
export function toMapLatLng(point: LngLat, settings: MapSettings | undefined): L.LatLng {
  const [lng, lat] = toDisplayDatum(point, settings?.datum ?? 'wgs84');
  return L.latLng(lat, lng);
}

/** A click on the map, as the WGS-84 point the server stores. */
export function fromMapLatLng(latlng: L.LatLng, settings: MapSettings | undefined): LngLat {
  return fromDisplayDatum([latlng.lng, latlng.lat], settings?.datum ?? 'wgs84');
}

/** A GeoJSON feature collection as it is drawn on the configured tiles. */
export function toMapGeoJson<T extends { features: { geometry: unknown }[] }>(
  collection: T,
  settings: MapSettings | undefined,
): T {
  const datum = settings?.datum ?? 'wgs84';
  if (datum === 'wgs84') return collection;
  return {
    ...collection,
    features: collection.features.map((f) => ({
      ...f,
      geometry: mapGeometryPositions(f.geometry, (p) => toDisplayDatum(p, datum)),
    })),
  };
}
