import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { paths } from '../../api/schema';

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;

export type MyCentres = Json<paths['/api/v1/my/venues']['get']['responses'][200]>;
export type Centre = MyCentres['items'][number];
export type Space = Centre['spaces'][number];
export type MyBookings = Json<paths['/api/v1/my/venue-bookings']['get']['responses'][200]>;
export type Booking = MyBookings['items'][number];
export type BookingBody = NonNullable<
  paths['/api/v1/my/venue-bookings']['post']['requestBody']
>['content']['application/json'];
export type Activity = Json<paths['/api/v1/my/activities']['get']['responses'][200]>['items'][number];
export type Schedule = Json<paths['/api/v1/venue-spaces/{id}/schedule']['get']['responses'][200]>;

const CENTRES = ['my-venues'] as const;
const BOOKINGS = ['my-venue-bookings'] as const;
const ACTIVITIES = ['my-activities'] as const;

export function useMyCentres() {
  return useQuery({ queryKey: CENTRES, queryFn: () => unwrap(api.GET('/api/v1/my/venues')) });
}

export function useMyBookings() {
  return useQuery({ queryKey: BOOKINGS, queryFn: () => unwrap(api.GET('/api/v1/my/venue-bookings')), staleTime: 0 });
}

export function useSchedule(spaceId: string, from: string) {
  return useQuery({
    queryKey: ['venue-schedule', spaceId, from],
    queryFn: () =>
      unwrap(api.GET('/api/v1/venue-spaces/{id}/schedule', { params: { path: { id: spaceId }, query: { from } } })),
    staleTime: 0,
  });
}

export function useBook() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: BookingBody) => unwrap(api.POST('/api/v1/my/venue-bookings', { body })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: BOOKINGS });
      void queryClient.invalidateQueries({ queryKey: ['venue-schedule'] });
    },
  });
}

export function useCancelBooking() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, wholeSeries }: { id: string; wholeSeries: boolean }) =>
      unwrap(api.POST('/api/v1/my/venue-bookings/{id}/cancel', { params: { path: { id } }, body: { wholeSeries } })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: BOOKINGS }),
  });
}

export function useQrCheckIn() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { spaceId: string; token: string }) => unwrap(api.POST('/api/v1/my/venue-check-ins', { body })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: BOOKINGS }),
  });
}

export function useMyActivities() {
  return useQuery({ queryKey: ACTIVITIES, queryFn: () => unwrap(api.GET('/api/v1/my/activities')), staleTime: 0 });
}

export function useSignUp() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, isCancel }: { id: string; isCancel: boolean }) =>
      isCancel
        ? unwrap(api.POST('/api/v1/my/activities/{id}/cancel', { params: { path: { id } } }))
        : unwrap(api.POST('/api/v1/my/activities/{id}/signup', { params: { path: { id } } })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ACTIVITIES }),
  });
}
