import { FullscreenOutlined, SyncOutlined } from '@ant-design/icons';
import { Alert, Breadcrumb, Button, Card, Col, Empty, Flex, Row, Statistic, Tag, Typography } from 'antd';
import { useNavigate, useParams } from 'react-router-dom';
import { useAuth } from '../../../shared/auth';
import { errorText } from '../../../shared/errors';
import { useI18n } from '../../app/i18n';
import { dayjs, DISPLAY_ZONE } from '../../../shared/time';
import { OrgUnitSelect } from '../orgs/OrgUnitSelect';
import type { InsightSummary } from './api';
import { levelColor, levelName } from './charts';
import { ChildrenPanel } from './ChildrenPanel';
import { CasesPanel, PopulationPanel, TrendsPanel, VisitsPanel } from './panels';
import { REFRESH_MS, useInsightSummary } from './queries';
import { ServicesPanel } from './ServicesPanel';

/** The unit a user lands on: the one in the address, else her first assignment's. */
export function useInsightsOrg(): string | undefined {
  const { orgId } = useParams();
  const { me } = useAuth();
  return orgId ?? me?.assignments[0]?.orgId;
}

function SummaryCards({ summary }: { summary: InsightSummary }) {
  const { t } = useI18n();
  const cards = [
    { key: 'residents', title: t('insights.residents'), value: summary.residents },
    { key: 'households', title: t('insights.households'), value: summary.households },
    { key: 'careTagged', title: t('insights.careTagged'), value: summary.careTagged },
    { key: 'elderlyAlone', title: t('insights.elderlyAlone'), value: summary.elderlyAlone, color: '#d46b08' },
    { key: 'over80', title: t('insights.over80'), value: summary.over80 },
    { key: 'openCases', title: t('insights.openCases'), value: summary.openCases },
    {
      key: 'overdueCases',
      title: t('insights.overdueCases'),
      value: summary.overdueCases,
      color: summary.overdueCases > 0 ? '#cf1322' : undefined,
    },
  ];
  return (
    <Flex gap={16} wrap data-testid="insights-summary">
      {cards.map((card) => (
        <Card
          key={card.key}
          size="small"
          style={{ flex: '1 1 150px' }}
          data-testid={`summary-${card.key}`}
          data-value={card.value}
        >
          <Statistic
            title={card.title}
            value={card.value}
            styles={{ content: { fontSize: 30, ...(card.color ? { color: card.color } : {}) } }}
          />
        </Card>
      ))}
    </Flex>
  );
}

/** 大数据驾驶舱: live figures of one unit with drill-down to the units below and a breadcrumb back up. */
export function InsightsPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const navigate = useNavigate();
  const orgId = useInsightsOrg();
  const summary = useInsightSummary(orgId);
  const data = summary.data;
  const open = (id: string) => void navigate(`/insights/${id}`);

  return (
    <Flex vertical gap={16}>
      <Card
        title={t('nav.insights')}
        styles={{ body: { paddingBottom: 12 } }}
        extra={
          <Flex gap={12} align="center">
            {data !== undefined && (
              <Typography.Text type="secondary" data-testid="insights-as-of">
                <SyncOutlined spin={summary.isFetching} style={{ marginInlineEnd: 6 }} />
                {t('insights.asOf', {
                  time: dayjs(data.asOf).tz(DISPLAY_ZONE).format('HH:mm:ss'),
                  n: REFRESH_MS / 1000,
                })}
              </Typography.Text>
            )}
            <Button
              type="primary"
              icon={<FullscreenOutlined />}
              disabled={orgId === undefined}
              onClick={() => void navigate(`/screen/${orgId ?? ''}`)}
              data-testid="open-big-screen"
            >
              {t('insights.bigScreen')}
            </Button>
          </Flex>
        }
      >
        <Flex gap={12} wrap align="center">
          <OrgUnitSelect
            key={orgId}
            placeholder={t('insights.pickUnit')}
            style={{ width: 320 }}
            value={undefined}
            onChange={(id) => {
              if (id !== undefined) open(id);
            }}
            data-testid="insights-org"
          />
          {data !== undefined && (
            <Typography.Title level={4} style={{ margin: 0 }} data-testid="insights-unit">
              {data.unit.name}
              <Tag color={levelColor(data.unit.level)} variant="filled" style={{ marginInlineStart: 8 }}>
                {levelName(t, data.unit.level)}
              </Tag>
            </Typography.Title>
          )}
        </Flex>
        {data !== undefined && (
          <Breadcrumb
            style={{ marginTop: 12 }}
            data-testid="insights-breadcrumb"
            items={data.breadcrumb.map((unit, i) =>
              i === data.breadcrumb.length - 1
                ? { title: <Typography.Text strong>{unit.name}</Typography.Text> }
                : { title: <Typography.Link onClick={() => open(unit.id)}>{unit.name}</Typography.Link> },
            )}
          />
        )}
      </Card>
      {summary.error !== null && <Alert type="error" showIcon title={errorText(summary.error, i18n)} />}
      {orgId === undefined && <Empty description={t('insights.noScope')} />}
      {data !== undefined && orgId !== undefined && (
        <>
          <SummaryCards summary={data} />
          <ChildrenPanel orgId={orgId} hasChildren={data.childLevel !== null} onDrill={open} />
          <PopulationPanel orgId={orgId} />
          <CasesPanel orgId={orgId} />
          <Row gutter={[16, 16]}>
            <Col xs={24} xl={8}>
              <VisitsPanel orgId={orgId} />
            </Col>
            <Col xs={24} xl={16}>
              <TrendsPanel orgId={orgId} />
            </Col>
          </Row>
          <ServicesPanel orgId={orgId} onDrill={open} />
        </>
      )}
    </Flex>
  );
}
