import { EyeOutlined } from '@ant-design/icons';
import { useMutation } from '@tanstack/react-query';
import { App, Button, Form, Typography } from 'antd';
import { useState } from 'react';
import { api, unwrap } from '../../../api/client';
import type { CaseDetail } from '../../../api/types';
import { useAuth } from '../../../shared/auth';
import { errorText, showFieldErrors } from '../../../shared/errors';
import { useI18n } from '../../app/i18n';
import { RevealReasonModal } from '../../app/RevealReasonModal';

/**
 * The reporter's name and masked phone; holders of pii.reveal see the full number after giving a
 * reason, which the server writes to the audit log. An anonymous case shows no contact: only a holder
 * of pii.reveal may ask for the reporter's name and number, the same way.
 */
export function CaseContact({ detail }: { detail: CaseDetail }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { can } = useAuth();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ reason: string }>();
  const [isAsking, setAsking] = useState(false);
  const [phone, setPhone] = useState<string | null>(null);
  const [revealedName, setRevealedName] = useState<string | null>(null);

  const reveal = useMutation({
    mutationFn: (reason: string) =>
      unwrap(api.POST('/api/v1/cases/{id}/reveal-contact', { params: { path: { id: detail.id } }, body: { reason } })),
    onSuccess: (result) => {
      setPhone(result.contactPhone ?? '');
      setRevealedName(result.contactName);
      setAsking(false);
    },
    onError: (error) => {
      if (!showFieldErrors(form, error, i18n, ['reason'])) void message.error(errorText(error, i18n));
    },
  });

  const askReason = (
    <RevealReasonModal
      title={t('cases.revealContact')}
      open={isAsking}
      form={form}
      isPending={reveal.isPending}
      placeholder={t('cases.revealReasonPlaceholder')}
      onCancel={() => setAsking(false)}
      onReason={(reason) => reveal.mutate(reason)}
    />
  );
  if (detail.isAnonymous) {
    if (phone !== null) {
      return (
        <Typography.Text className="tz-mono" data-testid="revealed-contact">
          {[revealedName, phone].filter((v) => v !== null && v !== '').join(' | ') || '—'}
        </Typography.Text>
      );
    }
    return (
      <span className="tz-nowrap">
        <Typography.Text type="secondary">{t('cases.anonymousContact')}</Typography.Text>
        {can('pii.reveal') && (
          <Button type="link" size="small" icon={<EyeOutlined />} onClick={() => setAsking(true)}>
            {t('cases.revealAnonymous')}
          </Button>
        )}
        {askReason}
      </span>
    );
  }
  const name = detail.contactName ?? '—';
  return (
    <span className="tz-nowrap">
      {name}
      {detail.contactPhone !== null && (
        <>
          <span style={{ marginInline: 8, color: '#d9d9d9' }}>|</span>
          {phone !== null ? (
            <Typography.Text copyable className="tz-mono" data-testid="revealed-contact">
              {phone}
            </Typography.Text>
          ) : (
            <>
              <span className="tz-mono">{detail.contactPhone}</span>
              {can('pii.reveal') && (
                <Button
                  type="link"
                  size="small"
                  icon={<EyeOutlined />}
                  onClick={() => setAsking(true)}
                  data-testid="reveal-contact"
                >
                  {t('cases.revealContact')}
                </Button>
              )}
            </>
          )}
        </>
      )}
      {askReason}
    </span>
  );
}
