import { Empty, Timeline, Typography } from 'antd';
import type { HouseholdChange } from '../../../api/types';
import { useI18n } from '../../app/i18n';
import type { MessageKey } from '../../app/messages';
import { formatTime } from '../../../shared/time';
import { GENDER_LABEL, RESIDENCE_TYPE_LABEL, STATUS_LABEL } from './vocabulary';

const FIELD_LABEL: Record<string, MessageKey> = {
  name: 'resident.name',
  idNumber: 'resident.idNumber',
  phone: 'resident.phone',
  noIdReason: 'resident.noIdReason',
  gender: 'resident.gender',
  birthDate: 'resident.birthDate',
  ethnicity: 'resident.ethnicity',
  relation: 'resident.relation',
  residenceType: 'resident.residenceType',
  status: 'resident.status',
  statusDate: 'resident.statusDate',
  notes: 'resident.notes',
  careTags: 'resident.careTags',
  isPartyMember: 'resident.isPartyMember',
  household: 'household.title',
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const KIND_COLOR: Record<string, string> = { create: 'green', move: 'blue', status: 'orange', tags: 'purple' };

/** A change record as one line, coded values shown by their names. */
function useDescribe() {
  const { t } = useI18n();
  const valueOf = (field: string | null, value: string | null): string => {
    if (value === null || value === '') return t('common.none');
    const labels: Record<string, Record<string, MessageKey>> = {
      residenceType: RESIDENCE_TYPE_LABEL,
      status: STATUS_LABEL,
      gender: GENDER_LABEL,
    };
    const key = field === null ? undefined : labels[field]?.[value];
    return key === undefined ? value : t(key);
  };
  return (change: Omit<HouseholdChange, 'residentName'>): string => {
    if (change.kind === 'create') {
      // imports record the household's id rather than its address: no use to a reader
      const isAddress = change.newValue !== null && !UUID.test(change.newValue);
      return isAddress ? t('history.create', { address: change.newValue ?? '' }) : t('history.createBare');
    }
    if (change.kind === 'move') {
      return t('history.move', { from: valueOf(null, change.oldValue), to: valueOf(null, change.newValue) });
    }
    const fieldKey = change.field === null ? undefined : FIELD_LABEL[change.field];
    return t('history.update', {
      field: fieldKey === undefined ? (change.field ?? '') : t(fieldKey),
      from: valueOf(change.field, change.oldValue),
      to: valueOf(change.field, change.newValue),
    });
  };
}

/** Who changed what and when, newest first. */
export function ChangeHistory({
  items,
}: {
  items: (Omit<HouseholdChange, 'residentName'> & { residentName?: string })[];
}) {
  const { t } = useI18n();
  const describe = useDescribe();
  if (items.length === 0) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('history.empty')} />;
  return (
    <Timeline
      items={items.map((change, i) => ({
        key: `${change.at}-${i}`,
        color: KIND_COLOR[change.kind] ?? 'gray',
        content: (
          <div>
            <div>
              {change.residentName !== undefined && <Typography.Text strong>{change.residentName} · </Typography.Text>}
              {describe(change)}
            </div>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {formatTime(change.at)} · {change.actorName ?? t('history.system')}
            </Typography.Text>
          </div>
        ),
      }))}
    />
  );
}
