import { EditOutlined, UserAddOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Descriptions,
  Drawer,
  Skeleton,
  Table,
  Tabs,
  Tag,
  Typography,
  type TableColumnsType,
} from 'antd';
import { useState } from 'react';
import { api, unwrap } from '../../../api/client';
import type { Resident } from '../../../api/types';
import { useAuth } from '../../../shared/auth';
import { errorText } from '../../../shared/errors';
import { useI18n } from '../../app/i18n';
import { formatTime } from '../../../shared/time';
import { HouseholdVisits } from '../fieldwork/HouseholdVisits';
import { CareTagList } from '../../../shared/CareTagList';
import { ChangeHistory } from './ChangeHistory';
import { useHousehold } from './queries';
import { ResidentFormModal } from './ResidentFormModal';
import { RevealValue } from './RevealValue';
import {
  GENDER_LABEL,
  HEAD_RELATION,
  relationKey,
  RESIDENCE_TYPE_COLOR,
  RESIDENCE_TYPE_LABEL,
  STATUS_LABEL,
} from './vocabulary';

type FormTarget = Parameters<typeof ResidentFormModal>[0]['target'];

/** One household: where it is, who lives there (numbers masked), and every change to its members. */
export function HouseholdDrawer({
  householdId,
  onClose,
  onOpenHousehold,
}: {
  householdId: string | undefined;
  onClose: () => void;
  /** shows another household, e.g. the one where a duplicate ID number is already registered */
  onOpenHousehold: (householdId: string) => void;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const { can } = useAuth();
  const { message } = App.useApp();
  const household = useHousehold(householdId);
  const [formTarget, setFormTarget] = useState<FormTarget>(null);
  const canWrite = can('resident.write');
  const data = household.data;

  const columns: TableColumnsType<Resident> = [
    {
      title: t('resident.name'),
      dataIndex: 'name',
      width: 96,
      render: (name: string, r) => (
        <span>
          {name}
          {r.status !== 'living' && (
            <Tag style={{ marginInlineStart: 6 }} variant="filled">
              {t(STATUS_LABEL[r.status])}
            </Tag>
          )}
        </span>
      ),
    },
    {
      title: t('resident.relation'),
      dataIndex: 'relation',
      width: 72,
      render: (r: string) => {
        const key = relationKey(r);
        return key === undefined ? r : t(key);
      },
    },
    {
      title: t('resident.genderAge'),
      key: 'age',
      width: 80,
      render: (_v, r) => `${t(GENDER_LABEL[r.gender])} · ${r.age}`,
    },
    {
      title: t('resident.idNumber'),
      dataIndex: 'idNumber',
      width: 200,
      render: (_v, r) =>
        r.idNumber === null ? (
          <Typography.Text type="secondary">{t('resident.noIdShort')}</Typography.Text>
        ) : (
          <RevealValue residentId={r.id} field="idNumber" masked={r.idNumber} />
        ),
    },
    {
      title: t('resident.phone'),
      dataIndex: 'phone',
      width: 140,
      render: (_v, r) => <RevealValue residentId={r.id} field="phone" masked={r.phone} />,
    },
    {
      title: t('resident.residenceType'),
      dataIndex: 'residenceType',
      width: 72,
      render: (v: Resident['residenceType']) => (
        <Tag color={RESIDENCE_TYPE_COLOR[v]} variant="outlined">
          {t(RESIDENCE_TYPE_LABEL[v])}
        </Tag>
      ),
    },
    {
      title: t('resident.careTags'),
      key: 'tags',
      render: (_v, r) => (
        <>
          {/* 党员 beside her care tags, never one of them */}
          {r.isPartyMember && (
            <Tag color="red" data-testid="party-member-tag">
              {t('resident.isPartyMember')}
            </Tag>
          )}
          <CareTagList tags={r.careTags} empty={r.isPartyMember ? '' : undefined} />
        </>
      ),
    },
    ...(canWrite
      ? [
          {
            title: t('common.actions'),
            key: 'actions',
            width: 64,
            render: (_v: unknown, r: Resident) => (
              <Button
                type="link"
                size="small"
                icon={<EditOutlined />}
                aria-label={t('resident.editShort')}
                onClick={() => setFormTarget({ mode: 'edit', resident: r })}
              />
            ),
          },
        ]
      : []),
  ];

  const hasHead = data?.members.some((m) => m.relation === HEAD_RELATION && m.status === 'living') ?? false;

  return (
    <Drawer
      title={data?.address ?? t('household.title')}
      open={householdId !== undefined}
      onClose={onClose}
      size={980}
      destroyOnHidden
      extra={
        canWrite &&
        data !== undefined && (
          <Button
            type="primary"
            icon={<UserAddOutlined />}
            onClick={() => setFormTarget({ mode: 'create', householdId: data.id, hasHead })}
          >
            {t('resident.create')}
          </Button>
        )
      }
      data-testid="household-drawer"
    >
      {household.error !== null && <Alert type="error" showIcon title={errorText(household.error, i18n)} />}
      {household.isPending && householdId !== undefined && <Skeleton active />}
      {data !== undefined && (
        <>
          <Descriptions
            size="small"
            column={3}
            style={{ marginBottom: 16 }}
            items={[
              { key: 'org', label: t('household.org'), children: data.orgName },
              { key: 'head', label: t('household.head'), children: data.headName ?? '—' },
              { key: 'count', label: t('household.memberCount'), children: data.memberCount },
              { key: 'building', label: t('household.building'), children: data.buildingName ?? '—' },
              {
                key: 'room',
                label: t('household.unitRoom'),
                children: [data.unitNo, data.roomNo].filter(Boolean).join(' / ') || '—',
              },
              { key: 'updated', label: t('household.updatedAt'), children: formatTime(data.updatedAt) },
            ]}
          />
          <Tabs
            items={[
              {
                key: 'members',
                label: t('household.members', { n: data.members.length }),
                children: (
                  <Table<Resident>
                    rowKey="id"
                    size="small"
                    tableLayout="fixed"
                    columns={columns}
                    dataSource={data.members}
                    pagination={false}
                    data-testid="household-members"
                  />
                ),
              },
              {
                key: 'history',
                label: t('household.history'),
                children: <ChangeHistory items={data.history} />,
              },
              ...(can('visit.read')
                ? [
                    {
                      key: 'visits',
                      label: t('fieldwork.visit.history'),
                      children: <HouseholdVisits householdId={data.id} />,
                    },
                  ]
                : []),
            ]}
          />
        </>
      )}
      <ResidentFormModal
        target={formTarget}
        onClose={() => setFormTarget(null)}
        onOpenExisting={(residentId) => {
          unwrap(api.GET('/api/v1/residents/{id}', { params: { path: { id: residentId } } }))
            .then((existing) => {
              setFormTarget(null);
              onOpenHousehold(existing.householdId);
            })
            .catch((error: unknown) => void message.error(errorText(error, i18n)));
        }}
      />
    </Drawer>
  );
}
