import { Flex, Tag } from 'antd';
import { relationKey } from '../../shared/registry-vocabulary';
import type { I18n } from '../i18n';
import { useI18n } from '../i18n';
import type { MessageKey } from '../i18n';
import { shortTime } from '../cases/time';
import type { CachedMember, FindingTopic, VisitKind } from './api';
import { useField } from './FieldContext';
import type { HouseholdView } from './households';

export const STANDING_LABEL: Record<HouseholdView['standing'], MessageKey> = {
  overdue: 'field.standing.overdue',
  never: 'field.standing.never',
  due: 'field.standing.due',
  ok: 'field.standing.ok',
  visited: 'field.standing.visited',
};
const STANDING_COLOR: Record<HouseholdView['standing'], string> = {
  overdue: 'red',
  never: 'orange',
  due: 'gold',
  ok: 'default',
  visited: 'green',
};

export const KIND_LABEL: Record<VisitKind, MessageKey> = {
  routine: 'field.kind.routine',
  follow_up: 'field.kind.follow_up',
  urgent: 'field.kind.urgent',
};

export const TOPIC_LABEL: Record<FindingTopic, MessageKey> = {
  health: 'field.topic.health',
  daily_living: 'field.topic.daily_living',
  housing_safety: 'field.topic.housing_safety',
  income: 'field.topic.income',
  children_schooling: 'field.topic.children_schooling',
  disputes: 'field.topic.disputes',
  policy: 'field.topic.policy',
};

export function StandingTag({ standing }: { standing: HouseholdView['standing'] }) {
  const { t } = useI18n();
  return (
    <Tag color={STANDING_COLOR[standing]} variant="filled" style={{ marginInlineEnd: 0 }} className="tz-nowrap">
      {t(STANDING_LABEL[standing])}
    </Tag>
  );
}

/** Care tags by their names in the cached list. */
export function TagNames({ codes }: { codes: string[] }) {
  const { tagName } = useField();
  if (codes.length === 0) return null;
  return (
    <Flex gap={4} wrap style={{ marginTop: 6 }}>
      {codes.map((code) => (
        <Tag key={code} color="volcano" variant="filled" style={{ marginInlineEnd: 0 }}>
          {tagName(code)}
        </Tag>
      ))}
    </Flex>
  );
}

/** 上次走访 … / 从未走访, and when the next visit is due. */
export function visitLine(h: HouseholdView, { t, lang }: Pick<I18n, 't' | 'lang'>): string {
  const last = h.localVisitAt ?? h.lastVisitAt;
  const lastText = last === null ? t('field.neverVisited') : t('field.lastVisit', { time: shortTime(last, lang) });
  if (h.standing === 'visited' || h.nextDueAt === null) return lastText;
  return `${lastText} · ${t('field.dueBy', { time: shortTime(h.nextDueAt, lang) })}`;
}

export function memberLine(m: CachedMember, { t }: Pick<I18n, 't'>): string {
  const key = relationKey(m.relation);
  const gender =
    m.gender === 'male' ? t('resident.gender.male') : m.gender === 'female' ? t('resident.gender.female') : '';
  return [key === undefined ? m.relation : t(key), gender, t('mobile.age', { n: m.age })].filter(Boolean).join(' · ');
}

/** 请求上门: why someone asked for a visit here (入户讲解 a notice, …), and by when. */
export function RequestLines({ requests }: { requests: HouseholdView['openRequests'] }) {
  const { t, pick } = useI18n();
  if (requests.length === 0) return null;
  return (
    <div className="tz-field-requests" data-testid="field-requests">
      {requests.map((r) => (
        <div key={r.id} data-testid="field-request" data-source={r.source.kind}>
          <Tag color="blue" variant="filled" style={{ marginInlineEnd: 6 }}>
            {t('field.request.tag')}
          </Tag>
          {pick({ zh: r.reasonZh, en: r.reasonEn })}
          <span className="tz-field-request-due">{t('field.request.dueOn', { day: r.dueOn })}</span>
        </div>
      ))}
    </div>
  );
}
