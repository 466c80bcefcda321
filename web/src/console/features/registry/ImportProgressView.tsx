import { LoadingOutlined } from '@ant-design/icons';
import { Flex, Progress, Typography } from 'antd';
import type { ImportJob } from '../../../api/types';
import { useI18n } from '../../app/i18n';
import type { MessageKey } from '../../app/messages';
import type { ImportProgress } from './useImportJob';

const PHASE_LABEL: Record<string, MessageKey> = {
  validating: 'import.phase.validating',
  writing: 'import.phase.writing',
  done: 'import.phase.done',
};

/** Rows are checked and written in one pass; the total is counted from the file's lines first (0 for .xlsx). */
function percentOf(progress: ImportProgress | null): number {
  if (progress === null) return 2;
  if (progress.phase === 'done') return 100;
  if (progress.phase === 'writing' && progress.rowsTotal > 0) {
    return Math.min(99, 5 + Math.round((94 * progress.rowsDone) / progress.rowsTotal));
  }
  return 5;
}

/** Step 3: the live progress bar of a running import. */
export function ImportProgressView({ job, progress }: { job: ImportJob | undefined; progress: ImportProgress | null }) {
  const { t } = useI18n();
  const rowsDone = progress?.rowsDone ?? 0;
  const rowsTotal = progress?.rowsTotal ?? 0;
  const percent = percentOf(progress);
  const phaseKey = progress?.phase === null || progress?.phase === undefined ? undefined : PHASE_LABEL[progress.phase];
  return (
    <Flex vertical align="center" gap={16} style={{ padding: '24px 0 32px' }} data-testid="import-progress">
      <Typography.Title level={4} style={{ margin: 0 }}>
        <LoadingOutlined style={{ marginInlineEnd: 10 }} />
        {t('import.running', { file: job?.fileName ?? '' })}
      </Typography.Title>
      <Progress percent={percent} status="active" style={{ maxWidth: 560 }} />
      <Typography.Text type="secondary" data-testid="import-phase">
        {phaseKey === undefined ? t('import.phase.starting') : t(phaseKey)}
        {rowsTotal > 0 && ` · ${t('import.rowsProgress', { done: rowsDone, total: rowsTotal })}`}
      </Typography.Text>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t('import.canLeave')}
      </Typography.Text>
    </Flex>
  );
}
