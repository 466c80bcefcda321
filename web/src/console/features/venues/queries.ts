import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, sendRaw, unwrap } from '../../../api/client';
import type { paths } from '../../../api/schema';

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;
type Body<T> = T extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never;

export type Centre = Json<paths['/api/v1/venue-centres']['get']['responses'][200]>['items'][number];
export type Space = Centre['spaces'][number];
export type SpaceBody = Body<paths['/api/v1/venue-spaces/{id}']['patch']>;
export type Booking = Json<paths['/api/v1/venue-bookings']['get']['responses'][200]>['items'][number];
export type StaffBookingBody = Body<paths['/api/v1/venue-bookings']['post']>;
export type Activity = Json<paths['/api/v1/venue-activities']['get']['responses'][200]>['items'][number];
export type ActivityBody = Body<paths['/api/v1/venue-activities']['post']>;
export type ActivityChangeBody = Body<paths['/api/v1/venue-activities/{id}']['patch']>;
export type SignupList = Json<paths['/api/v1/venue-activities/{id}/signups']['get']['responses'][200]>;
export type Signup = SignupList['items'][number];
export type NoShowList = Json<paths['/api/v1/venue-no-shows']['get']['responses'][200]>;

const KEY = ['venues-console'] as const;

export const useCentres = () =>
  useQuery({ queryKey: [...KEY, 'centres'], queryFn: () => unwrap(api.GET('/api/v1/venue-centres')) });

export const useBookings = (centreId: string | undefined, from: string, to: string, status?: 'pending') =>
  useQuery({
    queryKey: [...KEY, 'bookings', centreId, from, to, status],
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/venue-bookings', {
          params: { query: status === undefined ? { centreId, from, to } : { centreId, status } },
        }),
      ),
    enabled: centreId !== undefined,
    staleTime: 0,
  });

export const useActivities = (centreId: string | undefined, from?: string) =>
  useQuery({
    queryKey: [...KEY, 'activities', centreId, from],
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/venue-activities', {
          params: { query: from === undefined ? { centreId } : { centreId, from } },
        }),
      ),
    enabled: centreId !== undefined,
    staleTime: 0,
  });

export const useSignups = (activityId: string | null) =>
  useQuery({
    queryKey: [...KEY, 'signups', activityId],
    queryFn: () => unwrap(api.GET('/api/v1/venue-activities/{id}/signups', { params: { path: { id: activityId! } } })),
    enabled: activityId !== null,
    staleTime: 0,
  });

export const useNoShows = (centreId: string | undefined) =>
  useQuery({
    queryKey: [...KEY, 'no-shows', centreId],
    queryFn: () => unwrap(api.GET('/api/v1/venue-no-shows', { params: { query: { centreId } } })),
    enabled: centreId !== undefined,
    staleTime: 0,
  });

export const useSpaceQr = (spaceId: string | null) =>
  useQuery({
    queryKey: [...KEY, 'qr', spaceId],
    queryFn: () => unwrap(api.GET('/api/v1/venue-spaces/{id}/qr', { params: { path: { id: spaceId! } } })),
    enabled: spaceId !== null,
  });

/** A write that refreshes every list of the page afterwards. */
export function useVenueMutation<A, R>(fn: (arg: A) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: fn, onSuccess: () => queryClient.invalidateQueries({ queryKey: KEY }) });
}

export const createCentre = (body: { orgId: string; name: string; address?: string }) =>
  unwrap(api.POST('/api/v1/venue-centres', { body }));
export const createSpace = ({ centreId, body }: { centreId: string; body: SpaceBody }) =>
  unwrap(api.POST('/api/v1/venue-centres/{id}/spaces', { params: { path: { id: centreId } }, body }));
export const updateSpace = ({ id, body }: { id: string; body: SpaceBody }) =>
  unwrap(api.PATCH('/api/v1/venue-spaces/{id}', { params: { path: { id } }, body }));
export const createStaffBooking = (body: StaffBookingBody) => unwrap(api.POST('/api/v1/venue-bookings', { body }));
export const decideBooking = ({ id, decision, note }: { id: string; decision: 'approve' | 'reject'; note?: string }) =>
  unwrap(
    api.POST('/api/v1/venue-bookings/{id}/decision', {
      params: { path: { id } },
      body: note === undefined || note === '' ? { decision } : { decision, note },
    }),
  );
export const cancelBooking = ({ id, wholeSeries, note }: { id: string; wholeSeries: boolean; note?: string }) =>
  unwrap(
    api.POST('/api/v1/venue-bookings/{id}/cancel', {
      params: { path: { id } },
      body: note === undefined || note === '' ? { wholeSeries } : { wholeSeries, note },
    }),
  );
export const checkInBooking = (id: string) =>
  unwrap(api.POST('/api/v1/venue-bookings/{id}/check-in', { params: { path: { id } } }));
export const createActivity = (body: ActivityBody) => unwrap(api.POST('/api/v1/venue-activities', { body }));
export const changeActivity = ({ id, body }: { id: string; body: ActivityChangeBody }) =>
  unwrap(api.PATCH('/api/v1/venue-activities/{id}', { params: { path: { id } }, body }));
export const callOffActivity = ({ id, reason }: { id: string; reason: string }) =>
  unwrap(api.POST('/api/v1/venue-activities/{id}/call-off', { params: { path: { id } }, body: { reason } }));
export const liftBookingPause = ({ bookingId, note }: { bookingId: string; note: string }) =>
  unwrap(api.POST('/api/v1/venue-bookings/{id}/lift-pause', { params: { path: { id: bookingId } }, body: { note } }));
export const checkInSignup = ({ activityId, signupId }: { activityId: string; signupId: string }) =>
  unwrap(
    api.POST('/api/v1/venue-activities/{id}/check-ins', { params: { path: { id: activityId } }, body: { signupId } }),
  );

/** Adds photos of a room (multipart: `payload` {} and the files in `photos`). */
export async function addSpacePhotos({ spaceId, files }: { spaceId: string; files: File[] }) {
  const form = new FormData();
  form.append('payload', '{}');
  for (const f of files) form.append('photos', f, f.name);
  const response = await sendRaw(`/api/v1/venue-spaces/${spaceId}/photos`, { method: 'POST', body: form });
  return (await response.json()) as Space;
}
export const removeSpacePhoto = ({ spaceId, photoId }: { spaceId: string; photoId: string }) =>
  unwrap(api.DELETE('/api/v1/venue-spaces/{id}/photos/{photoId}', { params: { path: { id: spaceId, photoId } } }));

/** Where a room's photo is served (public). */
export const photoUrl = (photoId: string) => `/api/v1/venue-photos/${photoId}`;
