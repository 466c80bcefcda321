import { Tag } from 'antd';
import type { DutyKind } from '../../../api/types';
import { useI18n } from '../../app/i18n';
import { KIND_COLOR, KIND_LABEL } from './vocabulary';

export function DutyKindTag({ kind }: { kind: DutyKind }) {
  const { t } = useI18n();
  return (
    <Tag color={KIND_COLOR[kind]} variant="filled">
      {t(KIND_LABEL[kind])}
    </Tag>
  );
}
