import { useSyncExternalStore } from 'react';

/**
 * 大字模式 (elder mode): one switch for the whole phone app, kept in this browser so it stays on
 * across reloads and sign-ins. The app's root reads it (ElderTheme) and the header flips it.
 */
const STORAGE_KEY = 'tz.elder';
const listeners = new Set<() => void>();

function readStored(): boolean {
  try {
    return localStorage.getItem(STORAGE_KEY) === '1';
  } catch {
    return false;
  }
}

let isOn = readStored();

function notify() {
  for (const listener of listeners) listener();
}

/** Turns elder mode on or off at once, on this page and every other open tab of the app. */
export function setElderMode(on: boolean): void {
  try {
    localStorage.setItem(STORAGE_KEY, on ? '1' : '0');
  } catch {
    // private mode: the choice lasts for this page only
  }
  isOn = on;
  notify();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  // another tab switched it
  const onStorage = (e: StorageEvent) => {
    if (e.key !== STORAGE_KEY) return;
    isOn = e.newValue === '1';
    listener();
  };
  window.addEventListener('storage', onStorage);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('storage', onStorage);
  };
}

/**
 * Where elder mode applies: every phone page but the grid worker's field app (/m/field), a work
 * tool with its own dense layout, which shows no switch.
 */
export function isElderPath(pathname: string): boolean {
  return pathname !== '/m/field' && !pathname.startsWith('/m/field/');
}

/** Whether elder mode is on; re-renders when it changes. */
export function useElderMode(): boolean {
  return useSyncExternalStore(subscribe, () => isOn);
}
