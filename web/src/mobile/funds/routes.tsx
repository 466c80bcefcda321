import { Route, Routes } from 'react-router-dom';
import { FundPage } from './FundPage';

/** The owner's 小区资金 pages, under /m/funds. */
export function FundRoutes() {
  return (
    <Routes>
      <Route path="*" element={<FundPage />} />
    </Routes>
  );
}
