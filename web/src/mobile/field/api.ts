import { api, ApiError, sendRaw, unwrap } from '../../api/client';

import type { paths } from '../../api/schema';

// Types of the field-work API (docs/fieldwork.md), from the generated schema. The batch's op
// payloads are checked per op by the server, so the schema names them `unknown`: the case and
// household-change payloads are spelled out here, the visit payload is the one of POST /visits.

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;

export type FieldCache = Json<paths['/api/v1/my/field-cache']['get']['responses'][200]>;
export type CachedHousehold = FieldCache['households'][number];
export type CachedMember = CachedHousehold['members'][number];
export type FieldDutyItem = FieldCache['dutyItems'][number];
export type Urgency = CachedHousehold['urgency'];
export type Visit = Json<paths['/api/v1/households/{id}/visits']['get']['responses'][200]>['items'][number];
export type SyncResult = Json<paths['/api/v1/sync/batch']['post']['responses'][200]>['results'][number];
export type CareTagName = Json<paths['/api/v1/care-tags']['get']['responses'][200]>['items'][number];

type VisitBody = Json<NonNullable<paths['/api/v1/visits']['post']['requestBody']>>;
export type VisitInput = Omit<VisitBody, 'clientId'>;
export type VisitKind = VisitInput['kind'];
export type FindingTopic = VisitInput['findings'][number]['topic'];
export type FactInput = NonNullable<VisitInput['facts']>[number];
export type FactField = FactInput['field'];
export type Point = NonNullable<VisitInput['location']>;

export interface CaseInput {
  householdId?: string;
  location?: Point;
  dutyItemCode?: string;
  description: string;
  priority?: 'normal' | 'urgent';
  photoClientIds?: string[];
  visitClientId?: string;
}

export interface HouseholdChangeInput extends FactInput {
  householdId: string;
}

export type SyncOp =
  | { clientId: string; kind: 'visit'; payload: VisitInput }
  | { clientId: string; kind: 'case'; payload: CaseInput }
  | { clientId: string; kind: 'household_change'; payload: HouseholdChangeInput };

export const VISIT_KINDS: readonly VisitKind[] = ['routine', 'follow_up', 'urgent'];
export const FINDING_TOPICS: readonly FindingTopic[] = [
  'health',
  'daily_living',
  'housing_safety',
  'income',
  'children_schooling',
  'disputes',
  'policy',
];

/** Her households, duty items and identity, as the phone keeps them. */
export const fetchFieldCache = () => unwrap(api.GET('/api/v1/my/field-cache'));

/** Care tag names for the codes the cache carries. */
export const fetchCareTagNames = async () => (await unwrap(api.GET('/api/v1/care-tags'))).items;

/** The visits to one household, newest first (online only). */
export const fetchHouseholdVisits = async (id: string) =>
  (await unwrap(api.GET('/api/v1/households/{id}/visits', { params: { path: { id } } }))).items;

export type Appointment = Json<paths['/api/v1/households/{id}/appointments']['get']['responses'][200]>['items'][number];

export const fetchAppointments = async (id: string) =>
  (await unwrap(api.GET('/api/v1/households/{id}/appointments', { params: { path: { id } } }))).items;

export const makeAppointment = (id: string, at: string, note: string) =>
  unwrap(
    api.POST('/api/v1/households/{id}/appointments', {
      params: { path: { id } },
      body: note.trim() === '' ? { at } : { at, note: note.trim() },
    }),
  );

export const cancelAppointment = (id: string, appointmentId: string) =>
  unwrap(
    api.POST('/api/v1/households/{id}/appointments/{appointmentId}/cancel', {
      params: { path: { id, appointmentId } },
    }),
  );

/** One photo, sent before the ops that name it; a replay answers 200 with the same photo id. */
export async function uploadPhoto(clientId: string, blob: Blob, name: string): Promise<{ photoId: string }> {
  const form = new FormData();
  form.append('clientId', clientId);
  form.append('photo', blob, name);
  return (await (await sendRaw('/api/v1/sync/photos', { method: 'POST', body: form })).json()) as {
    photoId: string;
  };
}

/** One chunk of the queue; every op is applied (or not) on its own, and replays answer `duplicate`. */
export const sendBatch = async (ops: SyncOp[]): Promise<SyncResult[]> =>
  (await unwrap(api.POST('/api/v1/sync/batch', { body: { ops } }))).results;

/** A refusal that is about this photo and will not change by sending it again. */
export const isPhotoRefusal = (error: unknown): error is ApiError =>
  error instanceof ApiError && (error.code === 'PHOTO_TOO_LARGE' || error.code === 'PHOTO_NOT_IMAGE');
