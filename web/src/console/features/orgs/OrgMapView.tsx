import L from 'leaflet';
import { useEffect, useLayoutEffect, useRef } from 'react';
import type { OrgLevel, OrgMap } from '../../../api/types';
import { useI18n } from '../../app/i18n';
import { prefersReducedMotion } from '../../app/motion';
import { escapeHtml } from '../../app/escape-html';

/** A vertex as GeoJSON orders it: [longitude, latitude]. */
export type LngLat = [number, number];

interface OrgMapViewProps {
  map: OrgMap | undefined;
  /** the unit the page is about; drawn as an outline under its descendants */
  focusId: string | undefined;
  tileUrl: string | null | undefined;
  isDrawing?: boolean;
  draftPoints?: LngLat[];
  onAddPoint?: (point: LngLat) => void;
  onFeatureClick?: (id: string) => void;
  height?: number;
}

const FILL: Partial<Record<OrgLevel, string>> = {
  grid: '#52c41a',
  compound: '#13c2c2',
  group: '#722ed1',
};

function styleOf(level: OrgLevel, isFocus: boolean): L.PathOptions {
  const fill = FILL[level];
  if (isFocus && fill === undefined) {
    // a community or above: an outline framing what lies inside it
    return { color: '#1d4ed8', weight: 3, dashArray: '6 4', fillColor: '#1d4ed8', fillOpacity: 0.04 };
  }
  return { color: fill ?? '#fa8c16', weight: isFocus ? 3 : 2, fillColor: fill ?? '#fa8c16', fillOpacity: 0.25 };
}

const CHINA_CENTER: L.LatLngTuple = [35.5, 104];

/**
 * A Leaflet map of a unit and its grids/compounds. Without a tile server it draws on plain squared
 * paper and fits itself to the features; with `tileUrl` it adds that tile layer underneath.
 */
export function OrgMapView(props: OrgMapViewProps) {
  const { map: collection, focusId, tileUrl, isDrawing = false, draftPoints, onAddPoint, onFeatureClick } = props;
  const { t } = useI18n();
  const containerRef = useRef<HTMLDivElement>(null);
  const mapRef = useRef<L.Map | null>(null);
  const handlers = useRef({ onAddPoint, onFeatureClick, isDrawing });
  useLayoutEffect(() => {
    handlers.current = { onAddPoint, onFeatureClick, isDrawing };
  });

  useEffect(() => {
    const container = containerRef.current;
    if (container === null) return undefined;
    const map = L.map(container, {
      center: CHINA_CENTER,
      zoom: 4,
      attributionControl: false,
      zoomSnap: 0.5,
      zoomAnimation: !prefersReducedMotion,
      fadeAnimation: !prefersReducedMotion,
    });
    map.on('click', (e: L.LeafletMouseEvent) => {
      if (handlers.current.isDrawing) handlers.current.onAddPoint?.([e.latlng.lng, e.latlng.lat]);
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
    if (map === null || tileUrl === null || tileUrl === undefined || tileUrl === '') return undefined;
    const tiles = L.tileLayer(tileUrl, { maxZoom: 19 }).addTo(map);
    return () => {
      tiles.remove();
    };
  }, [tileUrl]);

  useEffect(() => {
    const map = mapRef.current;
    if (map === null || collection === undefined) return undefined;
    const ordered = [...collection.features].sort(
      (a, b) => Number(b.properties.id === focusId) - Number(a.properties.id === focusId),
    );
    const layer = L.geoJSON({ type: 'FeatureCollection', features: ordered } as unknown as GeoJSON.FeatureCollection, {
      style: (feature) => {
        const p = feature?.properties as { id: string; level: OrgLevel } | undefined;
        const isFocus = p?.id === focusId;
        return {
          ...styleOf(p?.level ?? 'grid', isFocus),
          className: `tz-feature tz-level-${p?.level ?? 'unknown'}${isFocus ? ' tz-focus' : ''}`,
        };
      },
      onEachFeature: (feature, featureLayer) => {
        const p = feature.properties as { id: string; name: string };
        if (p.id === focusId) return;
        featureLayer.bindTooltip(escapeHtml(p.name), {
          permanent: true,
          direction: 'center',
          className: 'tz-map-label',
        });
        featureLayer.on('click', (e: L.LeafletMouseEvent) => {
          if (handlers.current.isDrawing) return;
          L.DomEvent.stopPropagation(e);
          handlers.current.onFeatureClick?.(p.id);
        });
      },
    }).addTo(map);
    // Name a unit on the map only when it is drawn large enough for its label to fit.
    const showFittingLabels = () => {
      layer.eachLayer((featureLayer) => {
        if (!(featureLayer instanceof L.Polygon) || featureLayer.getTooltip() === undefined) return;
        const b = featureLayer.getBounds();
        const width = map.latLngToLayerPoint(b.getNorthEast()).x - map.latLngToLayerPoint(b.getSouthWest()).x;
        if (width >= 72) featureLayer.openTooltip();
        else featureLayer.closeTooltip();
      });
    };
    map.on('zoomend', showFittingLabels);
    const bounds = layer.getBounds();
    if (bounds.isValid()) map.fitBounds(bounds, { padding: [24, 24], maxZoom: 18, animate: false });
    showFittingLabels();
    return () => {
      map.off('zoomend', showFittingLabels);
      layer.remove();
    };
  }, [collection, focusId]);

  useEffect(() => {
    const map = mapRef.current;
    if (map === null || draftPoints === undefined || draftPoints.length === 0) return undefined;
    const latLngs = draftPoints.map(([lng, lat]) => L.latLng(lat, lng));
    const group = L.layerGroup().addTo(map);
    const style = { color: '#c8102e', weight: 2, className: 'tz-draft' };
    if (latLngs.length >= 3) L.polygon(latLngs, { ...style, fillOpacity: 0.15, dashArray: '4 4' }).addTo(group);
    else if (latLngs.length === 2) L.polyline(latLngs, style).addTo(group);
    for (const point of latLngs) {
      L.circleMarker(point, { ...style, radius: 4, fillColor: '#fff', fillOpacity: 1, interactive: false }).addTo(
        group,
      );
    }
    return () => {
      group.remove();
    };
  }, [draftPoints]);

  const isEmpty = collection !== undefined && collection.features.length === 0 && (draftPoints?.length ?? 0) === 0;
  return (
    <div style={{ position: 'relative' }}>
      <div
        ref={containerRef}
        className={`tz-map${isDrawing ? ' is-drawing' : ''}`}
        data-testid="org-map"
        style={{ height: props.height ?? 480, borderRadius: 6 }}
      />
      {isEmpty && !isDrawing && <div className="tz-map-empty">{t('org.mapEmpty')}</div>}
    </div>
  );
}
