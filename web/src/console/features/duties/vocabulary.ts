import type { DutyKind } from '../../../api/types';
import type { MessageKey } from '../../app/messages';

export const DUTY_KINDS: readonly DutyKind[] = ['community', 'assist', 'department', 'street'];

export const KIND_LABEL: Record<DutyKind, MessageKey> = {
  community: 'duties.kind.community',
  assist: 'duties.kind.assist',
  department: 'duties.kind.department',
  street: 'duties.kind.street',
};

export const KIND_COLOR: Record<DutyKind, string> = {
  community: 'blue',
  assist: 'cyan',
  department: 'purple',
  street: 'gold',
};

/** Assist and department items name the department responsible; community and street items none. */
export const needsDepartment = (kind: DutyKind | undefined) => kind === 'assist' || kind === 'department';
