import { Route, Routes } from 'react-router-dom';
import { NoticeListPage, NoticePage } from './NoticesPage';

/** The resident's notices (说文解策), under /m/notices. */
export function NoticeRoutes() {
  return (
    <Routes>
      <Route path=":id" element={<NoticePage />} />
      <Route path="*" element={<NoticeListPage />} />
    </Routes>
  );
}
