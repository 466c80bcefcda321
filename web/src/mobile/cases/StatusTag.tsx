import { Tag } from 'antd';
import { useI18n } from '../../console/app/i18n';
import type { MessageKey } from '../../console/app/messages';
import type { CaseStatus } from './api';

const LOOK: Record<CaseStatus, { color: string; label: MessageKey }> = {
  submitted: { color: 'orange', label: 'phone.status.submitted' },
  accepted: { color: 'blue', label: 'phone.status.accepted' },
  in_progress: { color: 'processing', label: 'phone.status.in_progress' },
  resolved: { color: 'gold', label: 'phone.status.resolved' },
  closed: { color: 'green', label: 'phone.status.closed' },
  rejected: { color: 'default', label: 'phone.status.rejected' },
  merged: { color: 'default', label: 'phone.status.merged' },
};

/** Where a case stands, in the resident's words. */
export function StatusTag({ status }: { status: CaseStatus }) {
  const { t } = useI18n();
  const look = LOOK[status];
  return (
    <Tag color={look.color} style={{ marginInlineEnd: 0 }} data-testid="case-status" data-status={status}>
      {t(look.label)}
    </Tag>
  );
}
