import { Tag } from 'antd';
import type { OrgUnit } from '../../../api/types';
import { useI18n } from '../../app/i18n';
import { LEVEL_COLOR, LEVEL_LABEL } from './levels';

/** A unit as one line: level tag, name, and the full name for telling namesakes apart. */
export function OrgUnitLabel({ unit }: { unit: OrgUnit }) {
  const { t } = useI18n();
  return (
    <span title={unit.fullName}>
      <Tag color={LEVEL_COLOR[unit.level]} variant="filled" style={{ fontSize: 11 }}>
        {t(LEVEL_LABEL[unit.level])}
      </Tag>
      {unit.name}
      {unit.fullName !== unit.name && (
        <span style={{ color: '#8c8c8c', marginInlineStart: 8, fontSize: 12 }}>{unit.fullName}</span>
      )}
    </span>
  );
}
