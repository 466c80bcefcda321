import { Card, Col, Empty, Row, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useMemo } from 'react';
import { useI18n } from '../../app/i18n';
import type { ChildFigures } from './api';
import { childrenOption, formatShare, levelColor, levelName } from './charts';
import { EChart } from './EChart';
import { useInsightChildren } from './queries';

type NumberKey = 'residents' | 'households' | 'elderlyAlone' | 'openCases' | 'overdueCases';
type ShareKey = 'responseRate' | 'resolutionRate' | 'satisfactionRate' | 'visitCoverage';

const count = (title: string, key: NumberKey, width = 88) => ({
  title,
  key,
  width,
  align: 'right' as const,
  sorter: (a: ChildFigures, b: ChildFigures) => a[key] - b[key],
  render: (_v: unknown, row: ChildFigures) => row[key].toLocaleString(),
});

const share = (title: string, key: ShareKey) => ({
  title,
  key,
  width: 96,
  align: 'right' as const,
  sorter: (a: ChildFigures, b: ChildFigures) => (a[key] ?? -1) - (b[key] ?? -1),
  render: (_v: unknown, row: ChildFigures) => formatShare(row[key]),
});

/** The units one level down, as a chart and a table; a click on either opens that unit. */
export function ChildrenPanel({
  orgId,
  hasChildren,
  onDrill,
}: {
  orgId: string;
  /** false for a unit with nothing below it (a grid): its drill-down is not asked for */
  hasChildren: boolean;
  onDrill: (id: string) => void;
}) {
  const { t } = useI18n();
  const children = useInsightChildren(orgId, hasChildren);
  const items = useMemo(() => children.data?.items ?? [], [children.data]);
  const option = useMemo(() => childrenOption(t, items), [t, items]);
  const level = children.data?.level;

  const columns: TableColumnsType<ChildFigures> = [
    {
      title: t('insights.unit'),
      key: 'unit',
      ellipsis: true,
      render: (_v, row) => (
        <span>
          <Tag color={levelColor(row.unit.level)} variant="filled" style={{ fontSize: 11 }}>
            {levelName(t, row.unit.level)}
          </Tag>
          <Typography.Link>{row.unit.name}</Typography.Link>
        </span>
      ),
    },
    count(t('insights.residents'), 'residents'),
    count(t('insights.households'), 'households'),
    count(t('insights.elderlyAlone'), 'elderlyAlone', 96),
    count(t('insights.openCases'), 'openCases'),
    {
      ...count(t('insights.overdueCases'), 'overdueCases'),
      render: (_v, row) =>
        row.overdueCases > 0 ? <Typography.Text type="danger">{row.overdueCases}</Typography.Text> : 0,
    },
    share(t('insights.responseByPlace'), 'responseRate'),
    share(t('insights.resolutionByPlace'), 'resolutionRate'),
    share(t('insights.satisfactionByPlace'), 'satisfactionRate'),
    share(t('insights.visitCoverage'), 'visitCoverage'),
  ];

  if (!hasChildren || (children.data !== undefined && items.length === 0)) {
    return (
      <Card size="small" title={t('insights.children')}>
        <Empty
          image={Empty.PRESENTED_IMAGE_SIMPLE}
          description={t('insights.noChildren')}
          data-testid="insights-no-children"
        />
      </Card>
    );
  }
  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} xl={10}>
        <Card
          size="small"
          title={level ? t('insights.childrenOf', { level: levelName(t, level) }) : t('insights.children')}
          style={{ height: '100%' }}
          loading={children.isPending}
        >
          <EChart
            option={option}
            height={340}
            onPick={({ dataIndex }) => {
              const picked = items[dataIndex];
              if (picked !== undefined) onDrill(picked.unit.id);
            }}
            data-testid="insights-children-chart"
          />
        </Card>
      </Col>
      <Col xs={24} xl={14}>
        <Card
          size="small"
          title={t('insights.childrenTable')}
          style={{ height: '100%' }}
          extra={<Typography.Text type="secondary">{t('insights.drillHint')}</Typography.Text>}
          loading={children.isPending}
        >
          <Table<ChildFigures>
            rowKey={(row) => row.unit.id}
            size="small"
            tableLayout="fixed"
            scroll={{ x: 1040, y: 300 }}
            columns={columns}
            dataSource={items}
            pagination={false}
            onRow={(row) => ({
              onClick: () => onDrill(row.unit.id),
              style: { cursor: 'pointer' },
              'data-unit': row.unit.name,
            })}
            data-testid="insights-children"
          />
        </Card>
      </Col>
    </Row>
  );
}
