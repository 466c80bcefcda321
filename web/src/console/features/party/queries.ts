import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../../api/client';
import type { paths } from '../../../api/schema';

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;

export type PartyOrg = Json<paths['/api/v1/orgs/{id}/party-orgs']['get']['responses'][200]>['items'][number];
export type Registration = Json<
  paths['/api/v1/orgs/{id}/dual-registrations']['get']['responses'][200]
>['items'][number];
export type Alliance = Json<paths['/api/v1/alliances']['get']['responses'][200]>['items'][number];
export type AllianceLists = Json<paths['/api/v1/alliances/{id}/lists']['get']['responses'][200]>;
export type Project = AllianceLists['projects'][number];

const KEY = ['party-console'] as const;

export const usePartyOrgs = (orgId: string) =>
  useQuery({
    queryKey: [...KEY, 'orgs', orgId],
    queryFn: () => unwrap(api.GET('/api/v1/orgs/{id}/party-orgs', { params: { path: { id: orgId } } })),
  });
export const usePartyMembers = (partyOrgId: string | null) =>
  useQuery({
    queryKey: [...KEY, 'members', partyOrgId],
    queryFn: () => unwrap(api.GET('/api/v1/party-orgs/{id}/members', { params: { path: { id: partyOrgId! } } })),
    enabled: partyOrgId !== null,
  });
export const useCandidates = (orgId: string) =>
  useQuery({
    queryKey: [...KEY, 'candidates', orgId],
    queryFn: () => unwrap(api.GET('/api/v1/orgs/{id}/party-candidates', { params: { path: { id: orgId } } })),
  });
export const useRegistrations = (orgId: string) =>
  useQuery({
    queryKey: [...KEY, 'dual', orgId],
    queryFn: () => unwrap(api.GET('/api/v1/orgs/{id}/dual-registrations', { params: { path: { id: orgId } } })),
  });
export const usePosts = (orgId: string) =>
  useQuery({
    queryKey: [...KEY, 'posts', orgId],
    queryFn: () => unwrap(api.GET('/api/v1/orgs/{id}/service-posts', { params: { path: { id: orgId } } })),
  });
export const useAlliances = () =>
  useQuery({ queryKey: [...KEY, 'alliances'], queryFn: () => unwrap(api.GET('/api/v1/alliances')) });
export const useAllianceLists = (id: string | null) =>
  useQuery({
    queryKey: [...KEY, 'lists', id],
    queryFn: () => unwrap(api.GET('/api/v1/alliances/{id}/lists', { params: { path: { id: id! } } })),
    enabled: id !== null,
  });

/** A write that refreshes every list of this page afterwards. */
export function usePartyMutation<A, R>(fn: (arg: A) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: fn, onSuccess: () => queryClient.invalidateQueries({ queryKey: KEY }) });
}

export const enrolCandidate = (partyOrgId: string, residentId: string) =>
  unwrap(
    api.POST('/api/v1/party-orgs/{id}/members', {
      params: { path: { id: partyOrgId } },
      body: { residentId, duty: 'member' },
    }),
  );
export const createPartyOrg = (body: { orgId: string; kind: PartyOrg['kind']; name: string; parentId?: string }) =>
  unwrap(api.POST('/api/v1/party-orgs', { body }));
export const decideRegistration = (id: string, isConfirmed: boolean) =>
  unwrap(api.POST('/api/v1/dual-registrations/{id}/decide', { params: { path: { id } }, body: { isConfirmed } }));
export const createPost = (orgId: string, name: string) =>
  unwrap(api.POST('/api/v1/orgs/{id}/service-posts', { params: { path: { id: orgId } }, body: { name } }));
export const addNeed = (id: string, title: string) =>
  unwrap(api.POST('/api/v1/alliances/{id}/needs', { params: { path: { id } }, body: { title } }));
export const addResource = (id: string, unitId: string, title: string) =>
  unwrap(api.POST('/api/v1/alliances/{id}/resources', { params: { path: { id } }, body: { unitId, title } }));
export const addProject = (
  id: string,
  body: { title: string; ownerUnitId: string; needId?: string; resourceId?: string; milestones: { title: string }[] },
) => unwrap(api.POST('/api/v1/alliances/{id}/projects', { params: { path: { id } }, body }));
export const moveProject = (id: string, status: Project['status'], version: number) =>
  unwrap(api.POST('/api/v1/alliance-projects/{id}/status', { params: { path: { id } }, body: { status, version } }));
export const completeMilestone = (id: string) =>
  unwrap(api.POST('/api/v1/alliance-milestones/{id}/done', { params: { path: { id } } }));
