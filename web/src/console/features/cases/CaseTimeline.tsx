import { LockOutlined, StarFilled } from '@ant-design/icons';
import { Flex, Tag, Timeline, Typography } from 'antd';
import type { CaseDetail, CaseEvent } from '../../../api/types';
import { useI18n } from '../../app/i18n';
import { formatTime } from '../../../shared/time';
import { CasePhotos } from './CasePhotos';
import { EVENT_COLOR, EVENT_LABEL } from './vocabulary';

function EventText({ event, detail }: { event: CaseEvent; detail: CaseDetail }) {
  const { t } = useI18n();
  if (event.kind === 'rated' && detail.rating !== null) {
    return (
      <span>
        {Array.from({ length: detail.rating }, (_, i) => (
          <StarFilled key={i} style={{ color: '#fadb14' }} />
        ))}
        {event.text !== null && <span style={{ marginInlineStart: 8 }}>{event.text}</span>}
      </span>
    );
  }
  if (event.text === null) return null;
  const prefix =
    event.kind === 'routed' || event.kind === 'reassigned' || event.kind === 'returned'
      ? t('cases.event.toUnit')
      : event.kind === 'escalated'
        ? t('cases.event.toUpper')
        : event.kind === 'merged'
          ? t('cases.event.intoCase')
          : event.kind === 'overdue' || event.kind === 'due_soon'
            ? t('cases.event.whichDeadline')
            : '';
  return (
    <Typography.Paragraph style={{ margin: 0, whiteSpace: 'pre-wrap' }}>
      {prefix}
      {event.text}
    </Typography.Paragraph>
  );
}

/** 办理经过: every step, oldest first; internal steps (notes, routing, deadlines) are marked 内部. */
export function CaseTimeline({ detail }: { detail: CaseDetail }) {
  const { t } = useI18n();
  return (
    <Timeline
      data-testid="case-timeline"
      items={detail.timeline.map((event) => ({
        key: event.id,
        color: EVENT_COLOR[event.kind] ?? 'blue',
        content: (
          <Flex vertical gap={4} data-testid={`event-${event.kind}`}>
            <Flex gap={8} align="center" wrap>
              <Typography.Text strong>{t(EVENT_LABEL[event.kind])}</Typography.Text>
              {!event.isPublic && (
                <Tag icon={<LockOutlined />} variant="filled" style={{ fontSize: 11 }}>
                  {t('cases.internal')}
                </Tag>
              )}
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {formatTime(event.at)}
                {event.actorName !== null && ` · ${event.actorName}`}
              </Typography.Text>
            </Flex>
            <EventText event={event} detail={detail} />
            {event.kind !== 'submitted' && <CasePhotos caseId={detail.id} photoIds={event.photoIds} size={64} />}
          </Flex>
        ),
      }))}
    />
  );
}
