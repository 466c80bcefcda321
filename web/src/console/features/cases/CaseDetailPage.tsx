import { ArrowLeftOutlined, PauseCircleOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Col,
  Descriptions,
  Flex,
  Result,
  Row,
  Skeleton,
  Tag,
  Typography,
  type DescriptionsProps,
} from 'antd';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { ApiError } from '../../../api/client';
import type { CaseDetail } from '../../../api/types';
import { errorText } from '../../../shared/errors';
import { useI18n } from '../../app/i18n';
import { formatTime } from '../../../shared/time';
import { DutyKindTag } from '../duties/DutyKindTag';
import { KIND_LABEL } from '../duties/vocabulary';
import { useMeta, useOrgMap } from '../orgs/queries';
import { CaseActions } from './CaseActions';
import { CaseComposer } from './CaseComposer';
import { CaseContact } from './CaseContact';
import { CaseMap } from './CaseMap';
import { CasePhotos } from './CasePhotos';
import { CaseFlags, CaseStatusTag, DueStateTag } from './CaseTags';
import { CaseTimeline } from './CaseTimeline';
import { useCase } from './queries';
import { CHANNEL_LABEL, isOpen } from './vocabulary';

const isDutyKind = (kind: string): kind is keyof typeof KIND_LABEL => kind in KIND_LABEL;

/** The duty item the case was routed under, at the revision it was routed under. */
function DutyCard({ detail }: { detail: CaseDetail }) {
  const { t } = useI18n();
  const duty = detail.duty;
  return (
    <Card size="small" title={t('cases.duty.title')} data-testid="case-duty">
      {duty === null ? (
        <Alert type="warning" showIcon title={t('cases.duty.none')} />
      ) : (
        <Descriptions
          size="small"
          column={2}
          items={[
            {
              key: 'name',
              label: t('cases.duty.item'),
              span: 2,
              children: (
                <span>
                  <span className="tz-mono" style={{ marginInlineEnd: 8 }}>
                    {duty.code}
                  </span>
                  {duty.name}
                  <Tag style={{ marginInlineStart: 8 }} variant="outlined">
                    {t('cases.duty.revision', { n: duty.revision })}
                  </Tag>
                </span>
              ),
            },
            {
              key: 'kind',
              label: t('duties.kind'),
              children: isDutyKind(duty.kind) ? <DutyKindTag kind={duty.kind} /> : duty.kind,
            },
            { key: 'department', label: t('duties.department'), children: duty.departmentName ?? '—' },
            {
              key: 'basis',
              label: t('duties.legalBasis'),
              span: 2,
              children: duty.legalBasis === '' ? '—' : duty.legalBasis,
            },
          ]}
        />
      )}
    </Card>
  );
}

function PlaceCard({ detail }: { detail: CaseDetail }) {
  const { t } = useI18n();
  const meta = useMeta();
  const hasPoint = detail.lng !== null && detail.lat !== null;
  const outlines = useOrgMap(hasPoint ? detail.orgId : undefined);
  return (
    <Card size="small" title={t('cases.place')}>
      <Typography.Paragraph style={{ marginBottom: hasPoint ? 12 : 0 }}>
        {detail.orgName}
        {detail.address !== null && ` · ${detail.address}`}
      </Typography.Paragraph>
      {hasPoint && (
        <CaseMap
          point={[detail.lng ?? 0, detail.lat ?? 0]}
          outlines={outlines.data}
          baseMap={meta.data?.map}
          height={220}
        />
      )}
    </Card>
  );
}

function CaseFacts({ detail }: { detail: CaseDetail }) {
  const { t } = useI18n();
  const items: NonNullable<DescriptionsProps['items']> = [
    { key: 'handler', label: t('cases.handler'), children: detail.handlerName },
    { key: 'channel', label: t('cases.channel'), children: t(CHANNEL_LABEL[detail.channel]) },
    { key: 'created', label: t('cases.createdAt'), children: formatTime(detail.createdAt) },
    {
      key: 'priority',
      label: t('cases.priority'),
      children: detail.priority === 'urgent' ? t('cases.priority.urgent') : t('cases.priority.normal'),
    },
    { key: 'acceptDue', label: t('cases.acceptDue'), children: formatTime(detail.acceptDueAt) },
    { key: 'accepted', label: t('cases.acceptedAt'), children: formatTime(detail.acceptedAt) },
    { key: 'resolveDue', label: t('cases.resolveDue'), children: formatTime(detail.resolveDueAt) },
    { key: 'resolved', label: t('cases.resolvedAt'), children: formatTime(detail.resolvedAt) },
    { key: 'contact', label: t('cases.contact'), span: 2, children: <CaseContact detail={detail} /> },
  ];
  if (detail.escalatedOrgName !== null) {
    items.push({ key: 'escalated', label: t('cases.escalatedTo'), children: detail.escalatedOrgName });
  }
  if (detail.closedAt !== null) {
    items.push({ key: 'closed', label: t('cases.closedAt'), children: formatTime(detail.closedAt) });
  }
  if (detail.rating !== null) {
    const solved = detail.isSolved === null ? '' : ` · ${t(detail.isSolved ? 'cases.solved' : 'cases.unsolved')}`;
    items.push({
      key: 'rating',
      label: t('cases.rating'),
      span: 2,
      children: `${t('cases.stars', { n: detail.rating })}${solved}${detail.ratingComment === null ? '' : ` · ${detail.ratingComment}`}`,
    });
  }
  return <Descriptions size="small" column={2} items={items} />;
}

/** One case: what, where, who handles it under which duty item, its timeline, and what can be done now. */
export function CaseDetailPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const navigate = useNavigate();
  const { id } = useParams();
  const query = useCase(id);
  const detail = query.data;

  if (query.error !== null) {
    const isMissing = query.error instanceof ApiError && [400, 404].includes(query.error.status);
    return (
      <Card>
        <Result
          status={isMissing ? '404' : 'error'}
          title={isMissing ? t('cases.notFound') : errorText(query.error, i18n)}
          extra={<Link to="/cases">{t('cases.backToList')}</Link>}
        />
      </Card>
    );
  }
  if (detail === undefined) {
    return (
      <Card>
        <Skeleton active paragraph={{ rows: 8 }} />
      </Card>
    );
  }

  // photos sent with a later step (the result of resolving) are shown at that step in the timeline
  const laterPhotos = new Set(detail.timeline.filter((e) => e.kind !== 'submitted').flatMap((e) => e.photoIds));
  const reportedPhotos = detail.photoIds.filter((photoId) => !laterPhotos.has(photoId));
  const back = () => {
    // opened from a list: back to it, with its tab and filters; opened directly: to the queues
    if (((window.history.state as { idx?: number } | null)?.idx ?? 0) > 0) void navigate(-1);
    else void navigate('/cases');
  };

  return (
    <Flex vertical gap={16} data-testid="case-detail">
      <Card size="small">
        <Flex justify="space-between" align="center" gap={16} wrap>
          <Flex align="center" gap={10} wrap>
            <Button
              type="text"
              icon={<ArrowLeftOutlined />}
              onClick={back}
              aria-label={t('cases.backToList')}
              title={t('cases.backToList')}
            />
            <Typography.Title level={4} style={{ margin: 0 }} className="tz-mono" data-testid="case-number">
              {detail.number}
            </Typography.Title>
            <CaseStatusTag status={detail.status} />
            {isOpen(detail.status) && <DueStateTag item={detail} />}
            <CaseFlags item={detail} />
            <Typography.Text type="secondary">
              {detail.dutyName ?? t('cases.uncategorized')} · {detail.handlerName}
            </Typography.Text>
          </Flex>
          <CaseActions detail={detail} />
        </Flex>
        {detail.isPaused && (
          <Alert
            type="warning"
            showIcon
            icon={<PauseCircleOutlined />}
            style={{ marginTop: 12 }}
            title={t('cases.pausedBecause', { reason: detail.pauseReason ?? '' })}
          />
        )}
        {detail.mergedIntoId !== null && (
          <Alert
            type="info"
            showIcon
            style={{ marginTop: 12 }}
            title={
              <span>
                {t('cases.mergedInto')} <Link to={`/cases/${detail.mergedIntoId}`}>{t('cases.openMerged')}</Link>
              </span>
            }
          />
        )}
      </Card>
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={14}>
          <Flex vertical gap={16}>
            <Card size="small" title={t('cases.content')}>
              <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', fontSize: 15 }} data-testid="case-description">
                {detail.description}
              </Typography.Paragraph>
              {reportedPhotos.length > 0 && (
                <div style={{ marginBottom: 16 }}>
                  <CasePhotos caseId={detail.id} photoIds={reportedPhotos} />
                </div>
              )}
              <CaseFacts detail={detail} />
            </Card>
            <DutyCard detail={detail} />
            <PlaceCard detail={detail} />
          </Flex>
        </Col>
        <Col xs={24} xl={10}>
          <Card size="small" title={t('cases.timeline')}>
            <CaseTimeline detail={detail} />
            <CaseComposer detail={detail} />
          </Card>
        </Col>
      </Row>
    </Flex>
  );
}
