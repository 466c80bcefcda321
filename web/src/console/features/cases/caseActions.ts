import { api, unwrap } from '../../../api/client';
import type { CaseDetail } from '../../../api/types';
import { postWithPhotos } from './queries';
import type { CaseAction } from './vocabulary';

/** What the action form collects; each action reads the fields it needs. */
export interface ActionInput {
  reason?: string;
  result?: string;
  text?: string;
  toOrgId?: string;
  dutyCode?: string;
  intoCaseId?: string;
  photos?: File[];
}

const path = (id: string) => ({ params: { path: { id } } });
const need = (value: string | undefined) => (value ?? '').trim();

/**
 * Sends one workflow action; versioned actions carry the version the user saw, so a case changed
 * meanwhile answers 409 instead of being overwritten.
 */
export function runCaseAction(detail: CaseDetail, action: CaseAction, input: ActionInput): Promise<CaseDetail> {
  const { id, version } = detail;
  switch (action) {
    case 'accept':
      return unwrap(api.POST('/api/v1/cases/{id}/accept', { ...path(id), body: { version } }));
    case 'start':
      return unwrap(api.POST('/api/v1/cases/{id}/start', { ...path(id), body: { version } }));
    case 'resume':
      return unwrap(api.POST('/api/v1/cases/{id}/resume', { ...path(id), body: { version } }));
    case 'resolve':
      return postWithPhotos<CaseDetail>(
        `/api/v1/cases/${id}/resolve`,
        { version, result: need(input.result) },
        input.photos ?? [],
      );
    case 'reject':
      return unwrap(
        api.POST('/api/v1/cases/{id}/reject', { ...path(id), body: { version, reason: need(input.reason) } }),
      );
    case 'return':
      return unwrap(
        api.POST('/api/v1/cases/{id}/return', { ...path(id), body: { version, reason: need(input.reason) } }),
      );
    case 'pause':
      return unwrap(
        api.POST('/api/v1/cases/{id}/pause', { ...path(id), body: { version, reason: need(input.reason) } }),
      );
    case 'reopen':
      return unwrap(
        api.POST('/api/v1/cases/{id}/reopen', { ...path(id), body: { version, reason: need(input.reason) } }),
      );
    case 'reassign':
      return unwrap(
        api.POST('/api/v1/cases/{id}/reassign', {
          ...path(id),
          body: {
            version,
            reason: need(input.reason),
            toOrgId: input.toOrgId ?? '',
            ...(input.dutyCode === undefined ? {} : { dutyCode: input.dutyCode }),
          },
        }),
      );
    case 'merge':
      return unwrap(
        api.POST('/api/v1/cases/{id}/merge', { ...path(id), body: { version, intoCaseId: input.intoCaseId ?? '' } }),
      );
    case 'supervise':
      return unwrap(api.POST('/api/v1/cases/{id}/supervise', { ...path(id), body: { text: need(input.text) } }));
    case 'note':
      return unwrap(api.POST('/api/v1/cases/{id}/notes', { ...path(id), body: { text: need(input.text) } }));
    case 'reply':
      return unwrap(api.POST('/api/v1/cases/{id}/replies', { ...path(id), body: { text: need(input.text) } }));
  }
}
