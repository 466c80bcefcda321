import { EnvironmentOutlined, PaperClipOutlined } from '@ant-design/icons';
import { Alert, Empty, Flex, Image, Skeleton, Tag, Timeline, Typography } from 'antd';
import { Link } from 'react-router-dom';
import { errorText } from '../../../shared/errors';
import { useI18n } from '../../app/i18n';
import { formatTime } from '../../../shared/time';
import { useCareTags } from '../registry/queries';
import { useHouseholdVisits, type Visit } from './queries';
import {
  CHANGE_STATE_COLOR,
  CHANGE_STATE_LABEL,
  FACT_FIELD_LABEL,
  factValueText,
  TOPIC_LABEL,
  VISIT_KIND_LABEL,
} from './vocabulary';

function VisitEntry({ visit }: { visit: Visit }) {
  const { t } = useI18n();
  const tagNames = new Map((useCareTags().data ?? []).map((tag) => [tag.code, tag.name]));
  return (
    <div data-testid="household-visit">
      <Flex gap={8} align="baseline" wrap>
        <Typography.Text strong>{formatTime(visit.visitedAt)}</Typography.Text>
        <Tag color={visit.kind === 'urgent' ? 'red' : visit.kind === 'follow_up' ? 'blue' : 'default'} variant="filled">
          {t(VISIT_KIND_LABEL[visit.kind])}
        </Tag>
        <Typography.Text type="secondary">{visit.visitors.map((v) => v.name).join('、')}</Typography.Text>
        {visit.location !== null && (
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            <EnvironmentOutlined /> {visit.location.lng.toFixed(5)}, {visit.location.lat.toFixed(5)}
          </Typography.Text>
        )}
      </Flex>
      {visit.findings.length > 0 && (
        <ul style={{ margin: '4px 0', paddingInlineStart: 18 }}>
          {visit.findings.map((f) => (
            <li key={f.topic}>
              <Typography.Text strong>{t(TOPIC_LABEL[f.topic])}</Typography.Text>
              {f.note !== null && f.note !== '' && `：${f.note}`}
            </li>
          ))}
        </ul>
      )}
      {visit.note !== null && <Typography.Paragraph style={{ margin: '4px 0' }}>{visit.note}</Typography.Paragraph>}
      {visit.facts.length > 0 && (
        <Flex gap={4} wrap style={{ margin: '4px 0' }}>
          {visit.facts.map((f) => (
            <Tag key={f.id} color={CHANGE_STATE_COLOR[f.state]}>
              {t(FACT_FIELD_LABEL[f.field])}：{factValueText(f.field, f.value, t, (c) => tagNames.get(c) ?? c)} ·{' '}
              {t(CHANGE_STATE_LABEL[f.state])}
            </Tag>
          ))}
        </Flex>
      )}
      {visit.photos.length > 0 && (
        <Image.PreviewGroup>
          <Flex gap={6} wrap style={{ margin: '4px 0' }}>
            {visit.photos.map((p) => (
              <Image key={p.id} src={p.url} width={72} height={72} style={{ objectFit: 'cover', borderRadius: 6 }} />
            ))}
          </Flex>
        </Image.PreviewGroup>
      )}
      {visit.caseIds.map((id) => (
        <Link key={id} to={`/cases/${id}`} style={{ display: 'inline-block', marginInlineEnd: 12 }}>
          <PaperClipOutlined /> {t('fieldwork.visit.openCase')}
        </Link>
      ))}
    </div>
  );
}

/** 走访记录 of one household, newest first: who came, what they found, photos, facts and cases opened. */
export function HouseholdVisits({ householdId }: { householdId: string }) {
  const i18n = useI18n();
  const visits = useHouseholdVisits(householdId);
  if (visits.error !== null) return <Alert type="error" showIcon title={errorText(visits.error, i18n)} />;
  if (visits.data === undefined) return <Skeleton active />;
  if (visits.data.length === 0) return <Empty description={i18n.t('field.neverVisited')} />;
  return (
    <Timeline
      style={{ marginTop: 8 }}
      items={visits.data.map((visit) => ({
        key: visit.id,
        color: visit.caseIds.length > 0 ? 'red' : 'blue',
        content: <VisitEntry visit={visit} />,
      }))}
      data-testid="household-visits"
    />
  );
}
