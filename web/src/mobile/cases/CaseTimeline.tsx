import { Image, Rate, Timeline, Typography } from 'antd';
import { useI18n } from '../i18n';
import type { MessageKey } from '../i18n';
import { formatTime } from '../../shared/time';
import { CASE_STATE_LABELS, STEP_INTO_STATE } from '../../shared/case-states';
import { photoUrl, type CaseEvent } from './api';

/** Steps that put the case into a state are named by that state (shared/case-states.ts); the rest here. */
const LABEL: Partial<Record<CaseEvent['kind'], MessageKey>> = {
  submitted: 'phone.event.submitted',
  started: 'phone.event.started',
  reopened: 'phone.event.reopened',
  reply: 'phone.event.reply',
  rated: 'phone.event.rated',
};

const COLOR: Partial<Record<CaseEvent['kind'], string>> = {
  resolved: 'green',
  closed: 'green',
  rated: 'gold',
  rejected: 'gray',
  reopened: 'red',
  reply: 'blue',
};

/**
 * The public steps of a case, oldest first, with what staff wrote and the photos they added (the
 * resident's own photos are shown above the timeline).
 */
export function CaseTimeline({
  caseId,
  events,
  rating,
}: {
  caseId: string;
  events: CaseEvent[];
  rating: number | null;
}) {
  const { t, pick } = useI18n();
  const labelOf = (kind: CaseEvent['kind']) => {
    const state = STEP_INTO_STATE[kind];
    return state !== undefined ? pick(CASE_STATE_LABELS[state]) : t(LABEL[kind] ?? 'phone.event.other');
  };
  // events carry no rating of their own: the case's rating is the one given last
  const lastRated = [...events].reverse().find((e) => e.kind === 'rated')?.id;
  return (
    <div data-testid="case-timeline">
      <Timeline
        items={events.map((e) => {
          return {
            key: e.id,
            color: COLOR[e.kind] ?? 'blue',
            content: (
              <div data-testid="timeline-event" data-kind={e.kind}>
                <Typography.Text strong>{labelOf(e.kind)}</Typography.Text>
                <Typography.Text type="secondary" className="tz-meta-xs" style={{ marginInlineStart: 8 }}>
                  {formatTime(e.at).slice(0, 16)}
                </Typography.Text>
                {e.id === lastRated && rating !== null && (
                  <div>
                    <Rate disabled value={rating} style={{ fontSize: 14 }} />
                  </div>
                )}
                {e.text !== null && e.text !== '' && (
                  <Typography.Paragraph style={{ margin: '2px 0 0', whiteSpace: 'pre-wrap' }}>
                    {e.text}
                  </Typography.Paragraph>
                )}
                {e.photoIds.length > 0 && e.kind !== 'submitted' && (
                  <Image.PreviewGroup>
                    <div className="tz-phone-photos" style={{ marginTop: 6 }}>
                      {e.photoIds.map((photoId) => (
                        <Image key={photoId} src={photoUrl(caseId, photoId)} alt="" />
                      ))}
                    </div>
                  </Image.PreviewGroup>
                )}
              </div>
            ),
          };
        })}
      />
    </div>
  );
}
