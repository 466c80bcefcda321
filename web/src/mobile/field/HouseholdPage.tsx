import { EditOutlined, NotificationOutlined, PhoneOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Button, Empty, Flex, Result, Skeleton, Tag, Typography } from 'antd';
import { useMemo } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { useI18n } from '../i18n';
import { shortTime } from '../cases/time';
import { fetchHouseholdVisits, type FindingTopic, type VisitKind } from './api';
import { useField } from './FieldContext';
import { FieldLayout } from './FieldLayout';
import { localVisits, useHouseholdView } from './households';
import { KIND_LABEL, memberLine, RequestLines, StandingTag, TagNames, TOPIC_LABEL, visitLine } from './parts';
import { OpStateTag } from './SyncPage';
import { AppointmentsSection } from './AppointmentsSection';
import type { QueuedOp } from './store';

interface VisitRow {
  key: string;
  visitedAt: string;
  kind: VisitKind;
  topics: FindingTopic[];
  note: string | null;
  who: string | null;
  queued: QueuedOp | null;
}

/** Visits to this household: the ones on this phone, and (online) the server's record of all of them. */
function useVisitRows(householdId: string): { rows: VisitRow[]; isLoading: boolean } {
  const { syncState } = useField();
  const server = useQuery({
    queryKey: ['field', 'household-visits', householdId],
    queryFn: () => fetchHouseholdVisits(householdId),
    enabled: syncState.isOnline,
    retry: false,
  });
  const rows = useMemo(() => {
    const local = localVisits(syncState.ops, '').get(householdId) ?? [];
    const seen = new Set(local.map((v) => v.op.serverId).filter((id) => id !== null));
    const fromPhone: VisitRow[] = local.map(({ op }) => {
      const payload = op.op.kind === 'visit' ? op.op.payload : null;
      return {
        key: op.clientId,
        visitedAt: payload?.visitedAt ?? op.createdAt,
        kind: payload?.kind ?? 'routine',
        topics: payload?.findings.map((f) => f.topic) ?? [],
        note: payload?.note ?? null,
        who: null,
        queued: op,
      };
    });
    const fromServer: VisitRow[] = (server.data ?? [])
      .filter((v) => !seen.has(v.id))
      .map((v) => ({
        key: v.id,
        visitedAt: v.visitedAt,
        kind: v.kind,
        topics: v.findings.map((f) => f.topic),
        note: v.note,
        who: v.visitors.map((p) => p.name).join('、'),
        queued: null,
      }));
    return [...fromPhone, ...fromServer].sort((a, b) => b.visitedAt.localeCompare(a.visitedAt)).slice(0, 10);
  }, [syncState.ops, householdId, server.data]);
  return { rows, isLoading: server.isFetching && server.data === undefined };
}

/** One household: who lives there (numbers masked), care tags, recent visits, and the two actions. */
export function HouseholdPage() {
  const i18n = useI18n();
  const { t, lang } = i18n;
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const { cache, isCacheRead } = useField();
  const household = useHouseholdView(id);
  const visits = useVisitRows(id);

  if (!isCacheRead)
    return <FieldLayout title={t('field.household.title')} back="/m/field" children={<Skeleton active />} />;
  if (household === undefined) {
    return (
      <FieldLayout title={t('field.household.title')} back="/m/field">
        <Result status="404" title={cache === null ? t('field.today.noCache') : t('field.household.notFound')} />
      </FieldLayout>
    );
  }

  return (
    <FieldLayout title={t('field.household.title')} back="/m/field">
      <section className="tz-phone-section" data-testid="field-household-detail">
        <Flex justify="space-between" align="flex-start" gap={8}>
          <Typography.Title level={5} style={{ margin: 0 }}>
            {household.address}
          </Typography.Title>
          <StandingTag standing={household.standing} />
        </Flex>
        <Typography.Text type="secondary" style={{ display: 'block', marginTop: 4 }}>
          {household.communityName} · {household.gridName}
        </Typography.Text>
        <Typography.Text style={{ display: 'block', marginTop: 4 }}>{visitLine(household, i18n)}</Typography.Text>
        <TagNames codes={household.careTags} />
        <RequestLines requests={household.openRequests} />
        {household.openRequests.length > 0 && (
          <Typography.Text type="secondary" style={{ display: 'block', marginTop: 4, fontSize: 12 }}>
            {t('field.request.hint')}
          </Typography.Text>
        )}
        <Flex gap={8} style={{ marginTop: 12 }}>
          <Button
            type="primary"
            size="large"
            icon={<EditOutlined />}
            style={{ flex: 1 }}
            onClick={() => void navigate(`/m/field/h/${household.id}/visit`)}
            data-testid="record-visit"
          >
            {t('field.household.recordVisit')}
          </Button>
          <Button
            size="large"
            icon={<NotificationOutlined />}
            onClick={() => void navigate(`/m/field/report?household=${household.id}`)}
          >
            {t('field.tab.report')}
          </Button>
        </Flex>
      </section>
      <section className="tz-phone-section">
        <h2>{t('field.household.members', { n: household.members.length })}</h2>
        {household.members.length === 0 && <Typography.Text type="secondary">{t('mobile.noMembers')}</Typography.Text>}
        {household.members.map((m) => (
          <div key={m.id} className="tz-field-member" data-testid="field-member">
            <Flex justify="space-between" align="baseline" gap={8}>
              <Typography.Text strong>{m.name}</Typography.Text>
              <Typography.Text type="secondary" style={{ fontSize: 13 }}>
                {memberLine(m, i18n)}
              </Typography.Text>
            </Flex>
            {m.phoneMasked !== null && (
              <Typography.Text type="secondary" className="tz-mono" style={{ fontSize: 13 }}>
                <PhoneOutlined /> {m.phoneMasked}
              </Typography.Text>
            )}
            <TagNames codes={m.careTags} />
          </div>
        ))}
      </section>
      <AppointmentsSection householdId={household.id} />
      <section className="tz-phone-section" data-testid="field-visits">
        <h2>{t('field.household.visits')}</h2>
        {visits.isLoading && <Skeleton active paragraph={{ rows: 2 }} />}
        {!visits.isLoading && visits.rows.length === 0 && (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('field.neverVisited')} />
        )}
        {visits.rows.map((v) => (
          <div key={v.key} className="tz-field-visit">
            <Flex justify="space-between" gap={8}>
              <Typography.Text strong>
                {shortTime(v.visitedAt, lang)} · {t(KIND_LABEL[v.kind])}
              </Typography.Text>
              {v.queued !== null && <OpStateTag op={v.queued} />}
            </Flex>
            {v.topics.length > 0 && (
              <Flex gap={4} wrap style={{ marginTop: 4 }}>
                {v.topics.map((topic) => (
                  <Tag key={topic} style={{ marginInlineEnd: 0 }}>
                    {t(TOPIC_LABEL[topic])}
                  </Tag>
                ))}
              </Flex>
            )}
            {v.note !== null && v.note !== '' && <div className="tz-two-lines">{v.note}</div>}
            {v.who !== null && v.who !== '' && (
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {v.who}
              </Typography.Text>
            )}
          </div>
        ))}
      </section>
    </FieldLayout>
  );
}
