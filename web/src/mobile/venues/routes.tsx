import { Route, Routes } from 'react-router-dom';
import { BookPage } from './BookPage';
import { CheckInPage } from './CheckInPage';
import { VenuesPage } from './VenuesPage';

/** /m/venues/…: the rooms, a room's booking form, her bookings, activities, and the room's QR check-in. */
export function VenueRoutes() {
  return (
    <Routes>
      <Route index element={<VenuesPage />} />
      <Route path="mine" element={<VenuesPage initial="mine" />} />
      <Route path="activities" element={<VenuesPage initial="activities" />} />
      <Route path="book/:spaceId" element={<BookPage />} />
      <Route path="check-in" element={<CheckInPage />} />
    </Routes>
  );
}
