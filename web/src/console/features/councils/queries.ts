import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../../api/client';
import type { paths } from '../../../api/schema';

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;

export type Council = Json<paths['/api/v1/councils']['get']['responses'][200]>['items'][number];
export type CouncilDetail = Json<paths['/api/v1/councils/{id}']['get']['responses'][200]>;
export type Member = CouncilDetail['members'][number];
export type Topic = Json<paths['/api/v1/councils/{id}/topics']['get']['responses'][200]>['items'][number];
export type MeetingItem = Json<paths['/api/v1/councils/{id}/meetings']['get']['responses'][200]>['items'][number];
export type Meeting = Json<paths['/api/v1/council-meetings/{id}']['get']['responses'][200]>;
export type Decision = Json<paths['/api/v1/council-decisions/{id}']['get']['responses'][200]>;
export type MemberBody = NonNullable<
  paths['/api/v1/councils/{id}/members']['post']['requestBody']
>['content']['application/json'];
export type MeetingBody = NonNullable<
  paths['/api/v1/councils/{id}/meetings']['post']['requestBody']
>['content']['application/json'];
export type DecisionBody = NonNullable<
  paths['/api/v1/council-meetings/{id}/decisions']['post']['requestBody']
>['content']['application/json'];
export type CouncilBody = NonNullable<paths['/api/v1/councils']['post']['requestBody']>['content']['application/json'];
export type Attendance = NonNullable<Meeting['members'][number]['attendance']>;

export const councilKeys = {
  all: ['councils'] as const,
  one: (id: string) => ['councils', id] as const,
  topics: (id: string) => ['councils', id, 'topics'] as const,
  meetings: (id: string) => ['councils', id, 'meetings'] as const,
  meeting: (id: string) => ['council-meetings', id] as const,
  decisions: (id: string) => ['councils', id, 'decisions'] as const,
};

export const useCouncils = () =>
  useQuery({ queryKey: councilKeys.all, queryFn: async () => (await unwrap(api.GET('/api/v1/councils'))).items });

export const useCouncil = (id: string) =>
  useQuery({
    queryKey: councilKeys.one(id),
    queryFn: () => unwrap(api.GET('/api/v1/councils/{id}', { params: { path: { id } } })),
  });

export const useTopics = (id: string) =>
  useQuery({
    queryKey: councilKeys.topics(id),
    queryFn: async () => (await unwrap(api.GET('/api/v1/councils/{id}/topics', { params: { path: { id } } }))).items,
  });

export const useMeetings = (id: string) =>
  useQuery({
    queryKey: councilKeys.meetings(id),
    queryFn: async () => (await unwrap(api.GET('/api/v1/councils/{id}/meetings', { params: { path: { id } } }))).items,
  });

export const useMeeting = (id: string) =>
  useQuery({
    queryKey: councilKeys.meeting(id),
    queryFn: () => unwrap(api.GET('/api/v1/council-meetings/{id}', { params: { path: { id } } })),
  });

export const useDecisions = (id: string) =>
  useQuery({
    queryKey: councilKeys.decisions(id),
    queryFn: async () => (await unwrap(api.GET('/api/v1/councils/{id}/decisions', { params: { path: { id } } }))).items,
  });

/** A mutation that refreshes everything about councils when it succeeds (the pages are small). */
export function useCouncilMutation<V, R>(fn: (vars: V) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['councils'] });
      void queryClient.invalidateQueries({ queryKey: ['council-meetings'] });
    },
  });
}
