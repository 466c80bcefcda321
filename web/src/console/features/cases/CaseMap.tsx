import L from 'leaflet';
import { useEffect, useLayoutEffect, useRef } from 'react';
import type { OrgMap } from '../../../api/types';
import { prefersReducedMotion } from '../../../shared/motion';
import { escapeHtml } from '../../../shared/escape-html';
import { addBaseMap, fromMapLatLng, toMapGeoJson, toMapLatLng, type MapSettings } from '../../../shared/base-map';

/** A point as GeoJSON orders it: [longitude, latitude]. */
export type LngLat = [number, number];

interface CaseMapProps {
  /** where it happened */
  point: LngLat | undefined;
  /** grid or community outlines drawn for orientation */
  outlines?: OrgMap | undefined;
  /** the configured tiles and their datum (/api/v1/meta); without tiles, plain paper */
  baseMap?: MapSettings | undefined;
  /** makes the map a picker: a click sets the point */
  onPick?: (point: LngLat) => void;
  height?: number;
}

const CHINA_CENTER: L.LatLngTuple = [35.5, 104];
const PIN: L.CircleMarkerOptions = { radius: 8, color: '#fff', weight: 3, fillColor: '#c8102e', fillOpacity: 1 };

/**
 * A small Leaflet map of a case's place: the outlines of the units around it and a pin. Works
 * without a tile server (squared paper); with `onPick` a click moves the pin. Points and outlines are
 * WGS-84; on GCJ-02 tiles they are drawn shifted and a click is shifted back before it is reported.
 */
export function CaseMap({ point, outlines, baseMap, onPick, height = 240 }: CaseMapProps) {
  const containerRef = useRef<HTMLDivElement>(null);
  const mapRef = useRef<L.Map | null>(null);
  const pointRef = useRef(point);
  const onPickRef = useRef(onPick);
  const baseMapRef = useRef(baseMap);
  useLayoutEffect(() => {
    onPickRef.current = onPick;
    pointRef.current = point;
    baseMapRef.current = baseMap;
  });

  useEffect(() => {
    const container = containerRef.current;
    if (container === null) return undefined;
    const map = L.map(container, {
      center: CHINA_CENTER,
      zoom: 4,
      attributionControl: false,
      zoomAnimation: !prefersReducedMotion,
      fadeAnimation: !prefersReducedMotion,
    });
    map.on('click', (e: L.LeafletMouseEvent) => onPickRef.current?.(fromMapLatLng(e.latlng, baseMapRef.current)));
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
    if (map === null || outlines === undefined) return undefined;
    const layer = L.geoJSON(toMapGeoJson(outlines, baseMap), {
      style: { color: '#52c41a', weight: 2, fillColor: '#52c41a', fillOpacity: 0.08, className: 'tz-case-outline' },
      interactive: false,
      onEachFeature: (feature, featureLayer) => {
        const p = feature.properties as { name?: string };
        if (p.name !== undefined)
          featureLayer.bindTooltip(escapeHtml(p.name), {
            permanent: true,
            direction: 'center',
            className: 'tz-map-label',
          });
      },
    }).addTo(map);
    const bounds = layer.getBounds();
    const current = pointRef.current;
    if (current !== undefined) bounds.extend(toMapLatLng(current, baseMap));
    if (bounds.isValid()) map.fitBounds(bounds, { padding: [16, 16], maxZoom: 17, animate: false });
    return () => {
      layer.remove();
    };
  }, [outlines, baseMap]);

  const lng = point?.[0];
  const lat = point?.[1];
  useEffect(() => {
    const map = mapRef.current;
    if (map === null || lng === undefined || lat === undefined) return undefined;
    const at = toMapLatLng([lng, lat], baseMap);
    const pin = L.circleMarker(at, { ...PIN, className: 'tz-case-pin', interactive: false }).addTo(map);
    if (map.getZoom() < 12 || !map.getBounds().contains(at)) map.setView(at, 16, { animate: false });
    return () => {
      pin.remove();
    };
  }, [lng, lat, baseMap]);

  return (
    <div
      ref={containerRef}
      className={`tz-map${onPick === undefined ? '' : ' is-drawing'}`}
      data-testid="case-map"
      style={{ height, borderRadius: 6 }}
    />
  );
}
