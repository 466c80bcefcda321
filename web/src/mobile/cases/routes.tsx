import { Navigate, Route, Routes } from 'react-router-dom';
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
