import { Breadcrumb, Card, Descriptions, Flex, Skeleton, Statistic, Tag } from 'antd';
import type { OrgUnit } from '../../../api/types';
import { useI18n } from '../../app/i18n';
import { LEVEL_COLOR, LEVEL_LABEL, LEVEL_ORDER } from './levels';
import { useOrgAncestors, useOrgStats } from './queries';

/** Where the unit sits (breadcrumb), what it is, and how much lies under it. */
export function OrgDetail({
  unit,
  onNavigate,
  extra,
}: {
  unit: OrgUnit;
  onNavigate: (id: string) => void;
  extra?: React.ReactNode;
}) {
  const { t } = useI18n();
  const ancestors = useOrgAncestors(unit.id);
  const stats = useOrgStats(unit.id);
  const counts = stats.data?.counts ?? {};
  const countedLevels = LEVEL_ORDER.filter((level) => (counts[level] ?? 0) > 0);

  return (
    <Card size="small" data-testid="org-detail">
      <Breadcrumb
        data-testid="org-breadcrumb"
        style={{ marginBottom: 12 }}
        items={[
          ...(ancestors.data ?? []).map((a) => ({
            key: a.id,
            title: (
              <a
                href={`/orgs/${a.id}`}
                onClick={(e) => {
                  e.preventDefault();
                  onNavigate(a.id);
                }}
              >
                {a.name}
              </a>
            ),
          })),
          { key: unit.id, title: unit.name },
        ]}
      />
      <Flex justify="space-between" align="flex-start" gap={16} wrap>
        <Descriptions
          size="small"
          column={{ xs: 1, xl: 2 }}
          style={{ flex: '1 1 420px' }}
          title={
            <Flex align="center" gap={8}>
              <span data-testid="org-name">{unit.name}</span>
              <Tag color={LEVEL_COLOR[unit.level]}>{t(LEVEL_LABEL[unit.level])}</Tag>
            </Flex>
          }
          extra={extra}
          items={[
            { key: 'fullName', label: t('org.fullName'), children: unit.fullName, span: 2 },
            { key: 'level', label: t('org.level'), children: t(LEVEL_LABEL[unit.level]) },
            {
              key: 'code',
              label: t('org.code'),
              children: <span style={{ fontFamily: 'monospace' }}>{unit.code ?? '—'}</span>,
            },
          ]}
        />
      </Flex>
      {stats.isPending ? (
        <Skeleton active paragraph={{ rows: 1 }} title={false} />
      ) : (
        <Flex gap={32} wrap style={{ marginTop: 8 }} data-testid="org-stats">
          {countedLevels.map((level) => (
            <Statistic key={level} title={t(LEVEL_LABEL[level])} value={counts[level] ?? 0} />
          ))}
          <Statistic title={t('org.users')} value={stats.data?.users ?? 0} />
        </Flex>
      )}
    </Card>
  );
}
