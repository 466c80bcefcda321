import { useEffect } from 'react';

/** The scope the field app's service worker controls: the console is never served from its cache. */
export const FIELD_SCOPE = '/m/field';

/**
 * Makes /m/field an installable app that opens without a network: the web app manifest and theme
 * colour for the install prompt, and the service worker (public/sw.js) that keeps the app shell.
 * Only in a built app: the dev server's modules change on every edit.
 */
export function useFieldShell() {
  useEffect(() => {
    if (document.querySelector('link[rel=manifest]') === null) {
      const link = document.createElement('link');
      link.rel = 'manifest';
      link.href = '/field/manifest.webmanifest';
      document.head.append(link);
      const theme = document.createElement('meta');
      theme.name = 'theme-color';
      theme.content = '#1f2937';
      document.head.append(theme);
    }
    if (import.meta.env.PROD && 'serviceWorker' in navigator) {
      navigator.serviceWorker.register('/sw.js', { scope: FIELD_SCOPE }).catch(() => {
        // no service worker (private mode, old browser): the app still works while online
      });
    }
  }, []);
}
