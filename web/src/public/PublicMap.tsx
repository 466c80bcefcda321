import L from 'leaflet';
import { useEffect, useRef } from 'react';
import { addBaseMap, toMapGeoJson, toMapLatLng, type MapSettings } from '../shared/base-map';
import { escapeHtml } from '../shared/escape-html';
import { prefersReducedMotion } from '../shared/motion';
import type { CommunityPage } from './types';

const OPEN_STATES = new Set(['submitted', 'accepted', 'in_progress']);
const OPEN_COLOR = '#d4380d';
const DONE_COLOR = '#389e0d';

interface PublicMapProps {
  page: CommunityPage;
  /** the configured tiles and their datum (/api/v1/meta); without tiles, the outlines on plain paper */
  baseMap: MapSettings | undefined;
  /** an item's name and a state's label, in the reader's language */
  describe: (code: string, state: string) => string;
}

/**
 * The community's outline and grids with the month's cases of public places at points rounded to
 * about 100 m: red while open, green once done, bigger where more lie. Readable with no tile server.
 */
export function PublicMap({ page, baseMap, describe }: PublicMapProps) {
  const containerRef = useRef<HTMLDivElement>(null);
  const mapRef = useRef<L.Map | null>(null);

  useEffect(() => {
    const container = containerRef.current;
    if (container === null) return undefined;
    const map = L.map(container, {
      center: [36.06, 103.83],
      zoom: 13,
      attributionControl: false,
      zoomAnimation: !prefersReducedMotion,
      fadeAnimation: !prefersReducedMotion,
      scrollWheelZoom: false,
    });
    const resize = new ResizeObserver(() => map.invalidateSize());
    resize.observe(container);
    mapRef.current = map;
    return () => {
      resize.disconnect();
      map.remove();
      mapRef.current = null;
    };
  }, []);

  useEffect(() => {
    const map = mapRef.current;
    if (map === null) return undefined;
    return addBaseMap(map, baseMap);
  }, [baseMap]);

  useEffect(() => {
    const map = mapRef.current;
    if (map === null) return undefined;
    const features = [
      ...page.map.grids
        .filter((g) => g.outline !== null)
        .map((g) => ({ type: 'Feature' as const, properties: { name: g.name, isGrid: true }, geometry: g.outline })),
      ...(page.map.outline === null
        ? []
        : [
            {
              type: 'Feature' as const,
              properties: { name: page.community.name, isGrid: false },
              geometry: page.map.outline,
            },
          ]),
    ];
    const outlines = L.geoJSON(
      toMapGeoJson({ type: 'FeatureCollection', features }, baseMap) as GeoJSON.GeoJsonObject,
      {
        style: (f) =>
          (f?.properties as { isGrid: boolean }).isGrid
            ? { color: '#8c8c8c', weight: 1, dashArray: '4 4', fillOpacity: 0 }
            : { color: '#1d4ed8', weight: 2, fillColor: '#1d4ed8', fillOpacity: 0.04 },
        interactive: false,
        // grids are named on the map; the community's name heads the page
        onEachFeature: (feature, layer) => {
          const p = feature.properties as { name: string; isGrid: boolean };
          if (p.isGrid) {
            layer.bindTooltip(escapeHtml(p.name), { permanent: true, direction: 'center', className: 'tz-map-label' });
          }
        },
      },
    ).addTo(map);
    const dots = page.points.map((p) => {
      const color = OPEN_STATES.has(p.state) ? OPEN_COLOR : DONE_COLOR;
      return L.circleMarker(toMapLatLng([p.lng, p.lat], baseMap), {
        radius: 6 + Math.min(8, (p.count - 1) * 2),
        color: '#fff',
        weight: 2,
        fillColor: color,
        fillOpacity: 0.9,
        className: 'tz-public-point',
      })
        .bindTooltip(escapeHtml(`${describe(p.code, p.state)}${p.count > 1 ? ` ×${p.count}` : ''}`))
        .addTo(map);
    });
    const bounds = outlines.getBounds();
    for (const d of dots) bounds.extend(d.getLatLng());
    if (bounds.isValid()) map.fitBounds(bounds, { padding: [12, 12], maxZoom: 17, animate: false });
    return () => {
      outlines.remove();
      for (const d of dots) d.remove();
    };
  }, [page, baseMap, describe]);

  return (
    <div ref={containerRef} className="tz-map" data-testid="public-map" style={{ height: 280, borderRadius: 8 }} />
  );
}
