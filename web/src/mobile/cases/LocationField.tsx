import { AimOutlined, CloseCircleOutlined, EnvironmentFilled } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Button, Flex, Typography } from 'antd';
import L from 'leaflet';
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { api, unwrap } from '../../api/client';
import { useI18n } from '../i18n';
import { useElderMode } from '../elder/elder-mode';
import { prefersReducedMotion } from '../../shared/motion';
import { addBaseMap, fromMapLatLng, toMapLatLng } from '../../shared/base-map';

export interface Point {
  lng: number;
  lat: number;
}

interface LocationFieldProps {
  id?: string;
  value?: Point | null;
  onChange?: (point: Point | null) => void;
}

/**
 * Where the map opens before anything is pinned: the city the default installation serves. A
 * resident cannot read her community's outline (that needs org.read), so there is nothing nearer.
 */
const START: L.LatLngTuple = [36.061, 103.834];
const START_ZOOM = 12;
const PIN_ZOOM = 17;

const round6 = (n: number) => Math.round(n * 1e6) / 1e6;

const PIN = L.divIcon({ className: '', html: '<div class="tz-pin"></div>', iconSize: [22, 22], iconAnchor: [11, 27] });

function useBaseMap() {
  return useQuery({
    queryKey: ['meta'],
    queryFn: () => unwrap(api.GET('/api/v1/meta')),
    staleTime: Infinity,
  }).data?.map;
}

/**
 * 事发位置: "use my location" (the phone's GPS) or a tap on the map drops the pin. Without a tile
 * server the map is plain squared paper, so the GPS button comes first. The GPS and the stored point
 * are WGS-84; on GCJ-02 tiles (AMap) the pin is drawn shifted and a tap is shifted back.
 */
export function LocationField({ id, value = null, onChange }: LocationFieldProps) {
  const { t } = useI18n();
  const isElder = useElderMode();
  const containerRef = useRef<HTMLDivElement>(null);
  const mapRef = useRef<L.Map | null>(null);
  const onChangeRef = useRef(onChange);
  const baseMap = useBaseMap();
  const baseMapRef = useRef(baseMap);
  useLayoutEffect(() => {
    onChangeRef.current = onChange;
    baseMapRef.current = baseMap;
  });
  const [isLocating, setLocating] = useState(false);
  const [locateFailed, setLocateFailed] = useState(false);

  useEffect(() => {
    const container = containerRef.current;
    if (container === null) return undefined;
    const map = L.map(container, {
      center: START,
      zoom: START_ZOOM,
      attributionControl: false,
      zoomAnimation: !prefersReducedMotion,
      fadeAnimation: !prefersReducedMotion,
    });
    map.on('click', (e: L.LeafletMouseEvent) => {
      const [lng, lat] = fromMapLatLng(e.latlng, baseMapRef.current);
      onChangeRef.current?.({ lng: round6(lng), lat: round6(lat) });
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

  const lng = value?.lng;
  const lat = value?.lat;
  useEffect(() => {
    const map = mapRef.current;
    if (map === null || lng === undefined || lat === undefined) return undefined;
    const at = toMapLatLng([lng, lat], baseMap);
    const marker = L.marker(at, { icon: PIN, keyboard: false, interactive: false }).addTo(map);
    // a pin from the GPS may lie off screen: bring it into view; a tapped one already is
    if (!map.getBounds().contains(at)) map.setView(at, Math.max(map.getZoom(), PIN_ZOOM), { animate: false });
    return () => {
      marker.remove();
    };
  }, [lng, lat, baseMap]);

  const locate = () => {
    if (!('geolocation' in navigator)) {
      setLocateFailed(true);
      return;
    }
    setLocating(true);
    setLocateFailed(false);
    navigator.geolocation.getCurrentPosition(
      (position) => {
        setLocating(false);
        const point = { lng: round6(position.coords.longitude), lat: round6(position.coords.latitude) };
        mapRef.current?.setView(toMapLatLng([point.lng, point.lat], baseMapRef.current), PIN_ZOOM, { animate: false });
        onChangeRef.current?.(point);
      },
      () => {
        setLocating(false);
        setLocateFailed(true);
      },
      { enableHighAccuracy: true, timeout: 15_000, maximumAge: 60_000 },
    );
  };

  return (
    <div>
      <Flex gap={8} align="center" wrap style={{ marginBottom: 8 }}>
        <Button id={id} icon={<AimOutlined />} loading={isLocating} onClick={locate} data-testid="use-location">
          {isLocating ? t('phone.new.locating') : t('phone.new.useCurrent')}
        </Button>
        {value !== null ? (
          <Flex align="center" gap={2} style={{ minWidth: 0 }}>
            <Typography.Text type="secondary" className="tz-meta" data-testid="pinned">
              <EnvironmentFilled style={{ color: '#c8102e' }} />{' '}
              {t('phone.new.pinned', { lng: value.lng.toFixed(5), lat: value.lat.toFixed(5) })}
            </Typography.Text>
            <Button
              type="text"
              size="small"
              icon={<CloseCircleOutlined />}
              aria-label={t('phone.new.clearPin')}
              onClick={() => onChange?.(null)}
            >
              {isElder && t('phone.new.clearPin')}
            </Button>
          </Flex>
        ) : (
          <Typography.Text type="secondary" className="tz-meta">
            {t('phone.new.mapHint')}
          </Typography.Text>
        )}
      </Flex>
      {locateFailed && (
        <Typography.Text type="warning" className="tz-meta" style={{ display: 'block', marginBottom: 6 }}>
          {t('phone.new.locateFailed')}
        </Typography.Text>
      )}
      <div ref={containerRef} className="tz-map tz-phone-map" data-testid="location-map" />
    </div>
  );
}
