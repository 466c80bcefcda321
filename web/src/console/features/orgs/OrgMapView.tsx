import L from 'leaflet';
import { useEffect, useLayoutEffect, useRef } from 'react';
import type { OrgLevel, OrgMap } from '../../../api/types';
import { useI18n } from '../../app/i18n';
import { prefersReducedMotion } from '../../../shared/motion';
import { escapeHtml } from '../../../shared/escape-html';
import { addBaseMap, fromMapLatLng, toMapGeoJson, toMapLatLng, type MapSettings } from '../../../shared/base-map';

/** A vertex as GeoJSON orders it: [longitude, latitude]. */
export type LngLat = [number, number];

interface OrgMapViewProps {
  map: OrgMap | undefined;
  /** the unit the page is about; drawn as an outline under its descendants */
  focusId: string | undefined;
  /** the unit's name, shown over the map when the unit itself has no outline (a street, usually) */
  focusName?: string | undefined;
  /** the configured tiles and their datum (/api/v1/meta); without tiles, plain paper */
  baseMap: MapSettings | undefined;
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

/** A street, a community or anything wider: named on its top edge, always, so grids keep their middles. */
const isArea = (level: OrgLevel) => FILL[level] === undefined;

/** A label (HTML-escaped text) standing on a point: the name of an area just above its outline's top edge. */
function areaLabel(at: L.LatLng, name: string, level: string): L.Tooltip {
  return L.tooltip({
    permanent: true,
    direction: 'top',
    offset: [0, -2],
    interactive: false,
    className: `tz-map-label tz-map-label-area tz-map-label-${level}`,
  })
    .setLatLng(at)
    .setContent(escapeHtml(name));
}

/**
 * A Leaflet map of a unit and its grids/compounds, named on the map: streets and communities on
 * their outlines' top edge, grids in their middle when drawn large enough. Without a tile server it
 * draws on plain squared paper; with one (`baseMap`) it lays those tiles underneath, shifting every
 * outline onto GCJ-02 tiles and every click back to WGS-84 where the tiles need it.
 */
export function OrgMapView(props: OrgMapViewProps) {
  const {
    map: collection,
    focusId,
    focusName,
    baseMap,
    isDrawing = false,
    draftPoints,
    onAddPoint,
    onFeatureClick,
  } = props;
  const { t } = useI18n();
  const containerRef = useRef<HTMLDivElement>(null);
  const mapRef = useRef<L.Map | null>(null);
  const handlers = useRef({ onAddPoint, onFeatureClick, isDrawing, baseMap });
  useLayoutEffect(() => {
    handlers.current = { onAddPoint, onFeatureClick, isDrawing, baseMap };
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
      if (handlers.current.isDrawing) handlers.current.onAddPoint?.(fromMapLatLng(e.latlng, handlers.current.baseMap));
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
    if (map === null || collection === undefined) return undefined;
    const ordered = [...toMapGeoJson(collection, baseMap).features].sort(
      (a, b) => Number(b.properties.id === focusId) - Number(a.properties.id === focusId),
    );
    const areaLabels = L.layerGroup();
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
        const p = feature.properties as { id: string; name: string; level: OrgLevel };
        if (isArea(p.level) && featureLayer instanceof L.Polygon) {
          const b = featureLayer.getBounds();
          areaLabels.addLayer(areaLabel(L.latLng(b.getNorth(), b.getCenter().lng), p.name, p.level));
        }
        if (p.id === focusId) return;
        if (!isArea(p.level))
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
    const isFocusOutlined = collection.features.some((f) => f.properties.id === focusId && f.geometry !== null);
    // a unit with no outline of its own (a street, usually) is named in the map's corner instead
    const caption =
      !isFocusOutlined && focusName !== undefined && collection.features.length > 0
        ? new L.Control({ position: 'topright' })
        : undefined;
    if (caption !== undefined) {
      caption.onAdd = () => {
        const div = L.DomUtil.create('div', 'tz-map-label tz-map-label-area tz-map-caption');
        div.textContent = focusName ?? '';
        return div;
      };
      caption.addTo(map);
    }
    areaLabels.addTo(map);
    if (bounds.isValid()) map.fitBounds(bounds, { padding: [32, 24], maxZoom: 18, animate: false });
    showFittingLabels();
    return () => {
      map.off('zoomend', showFittingLabels);
      layer.remove();
      areaLabels.remove();
      caption?.remove();
    };
  }, [collection, focusId, focusName, baseMap]);

  useEffect(() => {
    const map = mapRef.current;
    if (map === null || draftPoints === undefined || draftPoints.length === 0) return undefined;
    const latLngs = draftPoints.map((point) => toMapLatLng(point, baseMap));
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
  }, [draftPoints, baseMap]);

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
