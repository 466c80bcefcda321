import { Alert, Button, Flex, Image, Result, Skeleton, Typography } from 'antd';
import { Link, useParams } from 'react-router-dom';
import { ApiError } from '../../api/client';
import { errorText } from '../../shared/errors';
import { useI18n } from '../i18n';
import { formatTime } from '../../shared/time';
import { OPEN_STATUSES } from '../../shared/case-states';
import { PhoneLayout } from '../PhoneLayout';
import { photoUrl, useMyCase, type MyCaseDetail } from './api';
import { CaseTimeline } from './CaseTimeline';
import { RatingForm, RatingGiven } from './RatingForm';
import { ReopenForm } from './ReopenForm';
import { StatusTag } from './StatusTag';

function CaseFacts({ c }: { c: MyCaseDetail }) {
  const { t } = useI18n();
  const place = [c.orgName, c.address].filter((v) => v !== null && v !== '').join(' · ');
  return (
    <dl className="tz-facts">
      <dt>{t('phone.detail.number')}</dt>
      <dd className="tz-mono" data-testid="case-number">
        {c.number}
      </dd>
      <dt>{t('phone.detail.category')}</dt>
      <dd>{c.dutyName ?? '—'}</dd>
      <dt>{t('phone.detail.handler')}</dt>
      <dd data-testid="case-handler">{c.handlerName}</dd>
      <dt>{t('phone.detail.place')}</dt>
      <dd>{place === '' ? '—' : place}</dd>
      <dt>{t('phone.detail.createdAt')}</dt>
      <dd>{formatTime(c.createdAt).slice(0, 16)}</dd>
      {OPEN_STATUSES.includes(c.status) && (
        <>
          <dt>{t('phone.detail.resolveDue')}</dt>
          <dd>{formatTime(c.resolveDueAt).slice(0, 16)}</dd>
        </>
      )}
      {(c.contactPhone !== null || c.isAnonymous) && (
        <>
          <dt>{t('phone.detail.contact')}</dt>
          <dd>
            {c.contactPhone ?? ''}
            {c.isAnonymous && ` (${t('phone.detail.anonymous')})`}
          </dd>
        </>
      )}
    </dl>
  );
}

/** One of her cases: where it stands, who handles it, its public steps, and her rating or reopening. */
export function CaseDetailPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const { id = '' } = useParams();
  const detail = useMyCase(id);
  const c = detail.data;
  // the case's own photos are those of its first step; later ones show in the timeline
  const firstEvent = c?.timeline[0];
  const reportPhotos = firstEvent?.kind === 'submitted' ? firstEvent.photoIds : [];

  return (
    <PhoneLayout title={t('phone.detail.title')} back="/m/cases">
      {detail.isPending && <Skeleton active paragraph={{ rows: 8 }} />}
      {detail.error instanceof ApiError && detail.error.status === 404 && (
        <Result status="404" title={t('phone.detail.notFound')} />
      )}
      {detail.error !== null && !(detail.error instanceof ApiError && detail.error.status === 404) && (
        <Alert
          type="error"
          showIcon
          title={errorText(detail.error, i18n)}
          action={<Button onClick={() => void detail.refetch()}>{t('phone.retry')}</Button>}
        />
      )}
      {c !== undefined && (
        <div data-testid="case-detail" data-status={c.status}>
          <section className="tz-phone-section">
            <Flex justify="space-between" align="flex-start" gap={8} style={{ marginBottom: 8 }}>
              <Typography.Title level={5} style={{ margin: 0 }}>
                {c.dutyName ?? c.number}
              </Typography.Title>
              <StatusTag status={c.status} />
            </Flex>
            {c.viewer === 'follower' ? (
              <Typography.Paragraph type="secondary" data-testid="case-following">
                {t('phone.detail.following')}
              </Typography.Paragraph>
            ) : (
              <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }} data-testid="case-description">
                {c.description}
              </Typography.Paragraph>
            )}
            <CaseFacts c={c} />
            {c.mergedIntoId !== null && (
              <Link to={`/m/cases/${c.mergedIntoId}`} className="tz-block-link" style={{ marginTop: 10 }}>
                {t('phone.detail.mergedInto')}
              </Link>
            )}
          </section>
          {reportPhotos.length > 0 && (
            <section className="tz-phone-section">
              <h2>{t('phone.detail.photos')}</h2>
              <Image.PreviewGroup>
                <div className="tz-phone-photos" data-testid="case-photos">
                  {reportPhotos.map((photoId) => (
                    <Image key={photoId} src={photoUrl(c.id, photoId)} alt="" />
                  ))}
                </div>
              </Image.PreviewGroup>
            </section>
          )}
          {/* rating and reopening are the reporter's alone: the server says which she may do now */}
          {c.actions.includes('rate') && (
            <RatingForm
              caseId={c.id}
              result={[...c.timeline].reverse().find((e) => e.kind === 'resolved')?.text ?? null}
            />
          )}
          {c.status === 'closed' && c.rating !== null && <RatingGiven c={c} />}
          {c.actions.includes('reopen') && <ReopenForm caseId={c.id} />}
          <section className="tz-phone-section">
            <h2>{t('phone.detail.timeline')}</h2>
            <CaseTimeline caseId={c.id} events={c.timeline} rating={c.rating} />
          </section>
        </div>
      )}
    </PhoneLayout>
  );
}
