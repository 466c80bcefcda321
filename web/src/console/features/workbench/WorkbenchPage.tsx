import { Card, Col, Empty, List, Result, Row, Space, Spin, Tag, Typography } from 'antd';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link, useLocation } from 'react-router-dom';
import { api, unwrap } from '../../../api/client';
import type { Workbench } from '../../../api/types';
import { useAuth } from '../../../shared/auth';
import { errorText } from '../../../shared/errors';
import { useI18n } from '../../app/i18n';
import type { MessageKey } from '../../app/messages';
import { DISPLAY_ZONE, dayjs, formatTime } from '../../../shared/time';
import { FACT_FIELD_LABEL } from '../fieldwork/vocabulary';

type Section = Workbench['sections'][number];
type Item = Section['items'][number];
type SectionKey = Section['key'];

/** Where each section's count leads: the existing page that handles those items. */
const SECTION_LINK: Record<SectionKey, string> = {
  cases_to_accept: '/cases?queue=unit&status=submitted',
  cases_due_soon: '/cases?queue=due_soon',
  cases_overdue: '/cases?queue=overdue',
  household_changes: '/fieldwork/changes',
  visits_overdue: '/fieldwork/coverage',
  tasks_to_answer: '/tasks?tab=received',
  refusals_to_review: '/tasks?tab=review',
  refusals_sent: '/tasks?tab=sent',
  move_requests: '/registry/move-requests',
  resident_bindings: '/registry/resident-bindings',
};

const ALERT: ReadonlySet<SectionKey> = new Set(['cases_overdue', 'visits_overdue']);

/** Where one item opens: its own page where there is one, else the section's page. */
function itemLink(key: SectionKey, item: Item, canReadHouseholds: boolean): string {
  switch (key) {
    case 'cases_to_accept':
    case 'cases_due_soon':
    case 'cases_overdue':
      return `/cases/${item.id}`;
    case 'visits_overdue':
      return canReadHouseholds && item.orgId !== null
        ? `/registry/households/${item.orgId}?household=${item.id}`
        : SECTION_LINK[key];
    case 'tasks_to_answer':
    case 'refusals_to_review':
    case 'refusals_sent':
      return `${SECTION_LINK[key]}&task=${item.id}`;
    case 'household_changes':
    case 'move_requests':
    case 'resident_bindings':
      return SECTION_LINK[key];
  }
}

const WORKBENCH_KEY = ['workbench'] as const;

/** A visit is due on a day (Shanghai), not at an hour; the rest are moments. */
const whenText = (key: SectionKey, at: string) =>
  key === 'visits_overdue' ? dayjs(at).tz(DISPLAY_ZONE).format('YYYY-MM-DD') : formatTime(at);

function SectionCard({ section }: { section: Section }) {
  const { t } = useI18n();
  const { can } = useAuth();
  const title = t(`workbench.section.${section.key}` as MessageKey);
  const count = section.isCountCapped ? t('workbench.capped', { count: section.count }) : String(section.count);
  const isAlert = ALERT.has(section.key) && section.count > 0;
  const fieldLabel = (tag: string | null) =>
    tag !== null && tag in FACT_FIELD_LABEL ? t(FACT_FIELD_LABEL[tag as keyof typeof FACT_FIELD_LABEL]) : null;
  return (
    <Card
      title={title}
      size="small"
      data-testid={`workbench-${section.key}`}
      extra={
        <Link to={SECTION_LINK[section.key]} data-testid={`workbench-count-${section.key}`} aria-label={title}>
          <Typography.Text
            strong
            style={{ fontSize: 20, color: section.count === 0 ? '#8c8c8c' : isAlert ? '#cf1322' : '#1677ff' }}
          >
            {count}
          </Typography.Text>
        </Link>
      }
      style={{ height: '100%' }}
    >
      {section.items.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('workbench.empty')} />
      ) : (
        <List
          size="small"
          dataSource={section.items}
          renderItem={(item) => (
            <List.Item key={item.id + (item.orgId ?? '')}>
              <Space direction="vertical" size={0} style={{ minWidth: 0, width: '100%' }}>
                <Link to={itemLink(section.key, item, can('resident.read'))}>
                  <Typography.Text ellipsis style={{ maxWidth: '100%', color: 'inherit' }}>
                    {item.title}
                  </Typography.Text>
                </Link>
                <Typography.Text type="secondary" ellipsis style={{ fontSize: 12, maxWidth: '100%' }}>
                  {fieldLabel(item.tag) !== null && <Tag style={{ marginInlineEnd: 6 }}>{fieldLabel(item.tag)}</Tag>}
                  {item.at !== null &&
                    `${t(`workbench.at.${section.key}` as MessageKey)} ${whenText(section.key, item.at)}`}
                  {item.detail !== null && item.detail !== '' && ` · ${item.detail}`}
                </Typography.Text>
              </Space>
            </List.Item>
          )}
        />
      )}
      {section.count > section.items.length && (
        <Link to={SECTION_LINK[section.key]}>{t('workbench.openAll', { count })}</Link>
      )}
    </Card>
  );
}

/** 工作台: the signed-in staff member's to-do list, one card per section her roles carry. */
export function WorkbenchPage() {
  const { t, pick } = useI18n();
  // read afresh on every visit, a click on 工作台 in the menu included, and every minute while open
  const { key } = useLocation();
  const bench = useQuery({
    queryKey: [...WORKBENCH_KEY, key],
    queryFn: () => unwrap(api.GET('/api/v1/workbench')),
    staleTime: 0,
    gcTime: 0,
    refetchInterval: 60_000,
    placeholderData: keepPreviousData,
  });
  if (bench.isPending) return <Spin style={{ display: 'block', margin: '48px auto' }} />;
  if (bench.isError) return <Result status="error" title={errorText(bench.error, { pick })} />;
  const { sections } = bench.data;
  return (
    <Card title={t('nav.workbench')} data-testid="workbench">
      <Typography.Paragraph type="secondary">{t('workbench.intro')}</Typography.Paragraph>
      {sections.length === 0 ? (
        <Empty description={t('workbench.nothing')} />
      ) : (
        <Row gutter={[16, 16]}>
          {sections.map((s) => (
            <Col key={s.key} xs={24} md={12} xl={8}>
              <SectionCard section={s} />
            </Col>
          ))}
        </Row>
      )}
    </Card>
  );
}
