import type { ReactNode } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { useAuth } from '../../console/app/auth';
import { isShown, SECTIONS } from '../../console/app/Shell';
import { isFieldWorkOnly } from '../field/routes';
import { CaseDetailPage } from './CaseDetailPage';
import { MyCasesPage } from './MyCasesPage';
import { NewCasePage } from './NewCasePage';
import { NotificationsPage } from './NotificationsPage';

/** The resident's phone pages, under /m/. */
export function PhoneRoutes() {
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

/**
 * A resident has no work in the desktop console (its sections open to everyone, like the duty
 * list, are reference, not work): wherever she lands after signing in, she goes to her cases on
 * the phone pages. Everyone else gets the console.
 */
export function ConsoleUnlessResident({ children }: { children: ReactNode }) {
  const { me, can } = useAuth();
  const { pathname } = useLocation();
  const hasConsoleWork = SECTIONS.some((s) => s.permission !== undefined && isShown(can)(s));
  const isResidentOnly = can('case.report') && !hasConsoleWork;
  if (isResidentOnly) return <Navigate to="/m/cases" replace />;
  // a grid worker on her phone starts on the field app; at a desk she gets the console, the app one click away
  const isPhone = window.matchMedia('(max-width: 767px)').matches;
  if (pathname === '/' && me !== null && isPhone && isFieldWorkOnly(me)) return <Navigate to="/m/field" replace />;
  return children;
}
