import { Route, Routes } from 'react-router-dom';
import { PointsPage } from './PointsPage';
import { ScanPage } from './ScanPage';

/** The resident's 积分与志愿 pages, under /m/points. */
export function PointsRoutes() {
  return (
    <Routes>
      <Route path="scan" element={<ScanPage />} />
      <Route path="*" element={<PointsPage />} />
    </Routes>
  );
}
