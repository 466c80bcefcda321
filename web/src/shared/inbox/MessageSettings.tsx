import { Alert, Button, Checkbox, Flex, Input, Skeleton, Switch, Typography } from 'antd';
import { useState } from 'react';
import { errorText } from '../errors';
import { useI18n } from '../i18n';
import type { SharedMessageKey } from '../messages';
import {
  type MessageChannel,
  type MessagePreferences,
  useMessagePreferences,
  useUpdateMessagePreferences,
} from './api';
import type { InboxMessageKey } from './messages';

const CHANNELS: MessageChannel[] = ['in_app', 'sms', 'wechat'];

interface Draft {
  kinds: Record<string, MessageChannel[]>;
  isQuiet: boolean;
  start: string;
  end: string;
}

const draftOf = (p: MessagePreferences): Draft => ({
  kinds: Object.fromEntries(p.kinds.map((k) => [k.kind, k.channels])),
  isQuiet: p.quietHours !== null,
  start: p.quietHours?.start ?? '22:00',
  end: p.quietHours?.end ?? '08:00',
});

/**
 * 消息设置: for each kind of message she receives, the channels it reaches her on, and her quiet hours.
 * The phone shows a resident's kinds, the console a staff member's; one form for both.
 */
export function MessageSettings({ audience }: { audience: 'resident' | 'staff' }) {
  const i18n = useI18n<InboxMessageKey | SharedMessageKey>();
  const preferences = useMessagePreferences();
  if (preferences.error !== null) return <Alert type="error" showIcon title={errorText(preferences.error, i18n)} />;
  if (preferences.data === undefined) return <Skeleton active paragraph={{ rows: 6 }} />;
  return <SettingsForm audience={audience} stored={preferences.data} />;
}

function SettingsForm({ audience, stored }: { audience: 'resident' | 'staff'; stored: MessagePreferences }) {
  const i18n = useI18n<InboxMessageKey | SharedMessageKey>();
  const { t, lang } = i18n;
  const update = useUpdateMessagePreferences();
  const [draft, setDraft] = useState<Draft>(() => draftOf(stored));
  const [isSaved, setSaved] = useState(false);

  const kinds = stored.kinds.filter((k) => k.audience === audience);
  const change = (next: Partial<Draft>) => {
    setSaved(false);
    setDraft({ ...draft, ...next });
  };
  const isSameTime = draft.isQuiet && draft.start === draft.end;
  const save = () =>
    update.mutate(
      {
        kinds: Object.fromEntries(kinds.filter((k) => k.isChoosable).map((k) => [k.kind, draft.kinds[k.kind] ?? []])),
        quietHours: draft.isQuiet ? { start: draft.start, end: draft.end } : null,
      },
      {
        onSuccess: (saved) => {
          setDraft(draftOf(saved));
          setSaved(true);
        },
      },
    );

  return (
    <Flex vertical gap={16} data-testid="message-settings">
      <Typography.Text type="secondary">{t('inbox.settings.hint')}</Typography.Text>
      {kinds.map((k) => (
        <Flex key={k.kind} vertical gap={4} data-testid={`message-kind-${k.kind}`}>
          <Typography.Text strong>{lang === 'zh' ? k.label : k.labelEn}</Typography.Text>
          <Checkbox.Group
            disabled={!k.isChoosable}
            value={draft.kinds[k.kind] ?? []}
            onChange={(values) => change({ kinds: { ...draft.kinds, [k.kind]: values } })}
            options={CHANNELS.map((c) => ({ value: c, label: t(`inbox.channel.${c}`) }))}
          />
          {k.isDigested && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('inbox.digested')}
            </Typography.Text>
          )}
          {!k.isChoosable && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('inbox.fixed')}
            </Typography.Text>
          )}
        </Flex>
      ))}
      <Flex vertical gap={6}>
        <Flex justify="space-between" align="center">
          <Typography.Text strong>{t('inbox.quiet')}</Typography.Text>
          <Switch
            checked={draft.isQuiet}
            onChange={(isQuiet) => change({ isQuiet })}
            aria-label={t('inbox.quiet')}
            data-testid="quiet-switch"
          />
        </Flex>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('inbox.quiet.hint')}
        </Typography.Text>
        {draft.isQuiet && (
          <Flex gap={8} align="center" wrap>
            <span>{t('inbox.quiet.from')}</span>
            <Input
              type="time"
              value={draft.start}
              onChange={(e) => change({ start: e.target.value })}
              style={{ width: 120 }}
              aria-label={t('inbox.quiet.from')}
            />
            <span>{t('inbox.quiet.to')}</span>
            <Input
              type="time"
              value={draft.end}
              onChange={(e) => change({ end: e.target.value })}
              style={{ width: 120 }}
              aria-label={t('inbox.quiet.to')}
            />
          </Flex>
        )}
        {isSameTime && <Alert type="warning" showIcon title={t('inbox.quiet.same')} />}
      </Flex>
      {update.error !== null && <Alert type="error" showIcon title={errorText(update.error, i18n)} />}
      {isSaved && <Alert type="success" showIcon title={t('inbox.saved')} data-testid="message-settings-saved" />}
      <Button type="primary" onClick={save} loading={update.isPending} disabled={isSameTime} block>
        {t('common.save')}
      </Button>
    </Flex>
  );
}
