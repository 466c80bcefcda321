import { useIsFetching } from '@tanstack/react-query';
import { lazy, useEffect, useRef } from 'react';
import { Navigate, Route, Routes } from 'react-router-dom';
import { MyCasesPage } from './MyCasesPage';

const loadNew = () => import('./NewCasePage');
const loadDetail = () => import('./CaseDetailPage');
const loadNotifications = () => import('./NotificationsPage');
const NewCasePage = lazy(() => loadNew().then((m) => ({ default: m.NewCasePage })));
const CaseDetailPage = lazy(() => loadDetail().then((m) => ({ default: m.CaseDetailPage })));
const NotificationsPage = lazy(() => loadNotifications().then((m) => ({ default: m.NotificationsPage })));

/**
 * The other pages, fetched once the first page has its data (no query running): so a tap on 我要反映
 * rarely waits on a slow link, and the first page's data never waits behind them.
 */
function usePrefetchWhenSettled() {
  const fetching = useIsFetching();
  const isDone = useRef(false);
  useEffect(() => {
    if (fetching > 0 || isDone.current) return;
    const timer = window.setTimeout(() => {
      isDone.current = true;
      void Promise.all([loadNew(), loadDetail(), loadNotifications()]).catch(() => undefined);
    }, 300);
    return () => window.clearTimeout(timer);
  }, [fetching]);
}

/** The resident's phone pages, under /m/. Her list comes with the app, the others soon after it shows. */
export function PhoneRoutes() {
  usePrefetchWhenSettled();
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
