import { Tag, Tooltip } from 'antd';
import type { CaseSummary } from '../../../api/types';
import { useI18n } from '../../app/i18n';
import { formatTime } from '../../../shared/time';
import { DUE_COLOR, DUE_LABEL, isOpen, STATUS_COLOR, STATUS_LABEL } from './vocabulary';

export function CaseStatusTag({ status }: { status: CaseSummary['status'] }) {
  const { pick } = useI18n();
  return (
    <Tag color={STATUS_COLOR[status]} data-testid="case-status">
      {pick(STATUS_LABEL[status])}
    </Tag>
  );
}

/** The deadline state of an open case (a finished case has no running clock: a dash). */
export function DueStateTag({ item }: { item: CaseSummary }) {
  const { t } = useI18n();
  if (!isOpen(item.status)) return <span style={{ color: '#bfbfbf' }}>—</span>;
  const dueAt = item.status === 'submitted' ? item.acceptDueAt : item.resolveDueAt;
  const which = item.status === 'submitted' ? t('cases.acceptDue') : t('cases.resolveDue');
  return (
    <Tooltip title={`${which}：${formatTime(dueAt)}`}>
      <Tag color={item.isPaused ? 'default' : DUE_COLOR[item.dueState]} variant="filled" data-testid="case-due">
        {item.isPaused ? t('cases.due.paused') : t(DUE_LABEL[item.dueState])}
      </Tag>
    </Tooltip>
  );
}

/** 督办 / 上报 / 紧急 / 兜底 marks. */
export function CaseFlags({ item }: { item: CaseSummary }) {
  const { t } = useI18n();
  const flags = [
    item.priority === 'urgent' && (
      <Tag key="urgent" color="red" variant="outlined">
        {t('cases.flag.urgent')}
      </Tag>
    ),
    item.isSupervised && (
      <Tag key="supervised" color="magenta" variant="solid">
        {t('cases.flag.supervised')}
      </Tag>
    ),
    item.isEscalated && (
      <Tag key="escalated" color="volcano" variant="solid">
        {t('cases.flag.escalated')}
      </Tag>
    ),
    item.isFallback && (
      <Tooltip key="fallback" title={t('cases.flag.fallbackHint')}>
        <Tag color="gold" variant="outlined">
          {t('cases.flag.fallback')}
        </Tag>
      </Tooltip>
    ),
  ].filter(Boolean);
  return flags.length === 0 ? null : <>{flags}</>;
}
