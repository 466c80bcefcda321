import { lazy, useEffect } from 'react';
import { Navigate, Route, Routes } from 'react-router-dom';
import { MyCasesPage } from './MyCasesPage';

const loadNew = () => import('./NewCasePage');
const loadDetail = () => import('./CaseDetailPage');
const loadNotifications = () => import('./NotificationsPage');
const NewCasePage = lazy(() => loadNew().then((m) => ({ default: m.NewCasePage })));
const CaseDetailPage = lazy(() => loadDetail().then((m) => ({ default: m.CaseDetailPage })));
const NotificationsPage = lazy(() => loadNotifications().then((m) => ({ default: m.NotificationsPage })));

/**
 * The resident's phone pages, under /m/. Her list comes with the app; the other pages are fetched when
 * the browser is idle after the first one shows, so a tap on 我要反映 rarely waits on a slow link.
 */
export function PhoneRoutes() {
  useEffect(() => {
    const prefetch = () => void Promise.all([loadNew(), loadDetail(), loadNotifications()]).catch(() => undefined);
    const idle = window.requestIdleCallback?.(prefetch, { timeout: 3000 });
    const timer = idle === undefined ? window.setTimeout(prefetch, 1500) : undefined;
    return () => {
      if (idle !== undefined) window.cancelIdleCallback(idle);
      if (timer !== undefined) window.clearTimeout(timer);
    };
  }, []);
  return (
    <Routes>
      <Route path="cases" element={<MyCasesPage />} />
      <Route path="cases/new" element={<NewCasePage />} />
      <Route path="cases/:id" element={<CaseDetailPage />} />
      <Route path="notifications" element={<NotificationsPage />} />
      <Route path="*" element={<Navigate to="/m/cases" replace />} />
    </Routes>
  );
}
