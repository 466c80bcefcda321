import { useCallback, useEffect, useState } from 'react';
import type { Point } from './api';

export type Fix =
  | { state: 'locating' }
  | { state: 'found'; point: Point; accuracy: number }
  | { state: 'failed' }
  | { state: 'unavailable' };

const round = (n: number) => Math.round(n * 1e6) / 1e6;
const canLocate = () => 'geolocation' in navigator;

/** Where the phone is, asked once when the form opens (and again on request); no fix is fine too. */
export function useDevicePosition(): { fix: Fix; locate: () => void } {
  const [fix, setFix] = useState<Fix>(() => (canLocate() ? { state: 'locating' } : { state: 'unavailable' }));
  const ask = useCallback(() => {
    navigator.geolocation.getCurrentPosition(
      (position) =>
        setFix({
          state: 'found',
          point: { lng: round(position.coords.longitude), lat: round(position.coords.latitude) },
          accuracy: Math.round(position.coords.accuracy),
        }),
      () => setFix({ state: 'failed' }),
      { enableHighAccuracy: true, timeout: 15_000, maximumAge: 60_000 },
    );
  }, []);
  useEffect(() => {
    if (canLocate()) ask();
  }, [ask]);
  const locate = useCallback(() => {
    if (!canLocate()) return;
    setFix({ state: 'locating' });
    ask();
  }, [ask]);
  return { fix, locate };
}
