import { Tag } from 'antd';
import { useI18n } from '../i18n';
import { CASE_STATE_LABELS } from '../../shared/case-states';
import type { CaseStatus } from './api';

const COLOR: Record<CaseStatus, string> = {
  submitted: 'orange',
  accepted: 'blue',
  in_progress: 'processing',
  resolved: 'gold',
  closed: 'green',
  rejected: 'default',
  merged: 'default',
};

/** Where a case stands, by the one name each state has on every screen. */
export function StatusTag({ status }: { status: CaseStatus }) {
  const { pick } = useI18n();
  return (
    <Tag color={COLOR[status]} style={{ marginInlineEnd: 0 }} data-testid="case-status" data-status={status}>
      {pick(CASE_STATE_LABELS[status])}
    </Tag>
  );
}
