import { EyeOutlined } from '@ant-design/icons';
import { useMutation } from '@tanstack/react-query';
import { App, Button, Form, Input, Modal, Typography } from 'antd';
import { useState } from 'react';
import { api, unwrap } from '../../../api/client';
import type { CaseDetail } from '../../../api/types';
import { useAuth } from '../../app/auth';
import { errorText, showFieldErrors } from '../../app/errors';
import { useI18n } from '../../app/i18n';

/**
 * The reporter's name and masked phone; holders of pii.reveal see the full number after giving a
 * reason, which the server writes to the audit log. Anonymous cases show no contact.
 */
export function CaseContact({ detail }: { detail: CaseDetail }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { can } = useAuth();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ reason: string }>();
  const [isAsking, setAsking] = useState(false);
  const [phone, setPhone] = useState<string | null>(null);

  const reveal = useMutation({
    mutationFn: (reason: string) =>
      unwrap(api.POST('/api/v1/cases/{id}/reveal-contact', { params: { path: { id: detail.id } }, body: { reason } })),
    onSuccess: (result) => {
      setPhone(result.contactPhone ?? '');
      setAsking(false);
    },
    onError: (error) => {
      if (!showFieldErrors(form, error, i18n, ['reason'])) void message.error(errorText(error, i18n));
    },
  });

  if (detail.isAnonymous) return <Typography.Text type="secondary">{t('cases.anonymousContact')}</Typography.Text>;
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
      <Modal
        title={t('cases.revealContact')}
        open={isAsking}
        onCancel={() => setAsking(false)}
        onOk={() => form.submit()}
        okText={t('resident.reveal')}
        confirmLoading={reveal.isPending}
        destroyOnHidden
      >
        <Typography.Paragraph type="secondary">{t('resident.revealHint')}</Typography.Paragraph>
        <Form form={form} layout="vertical" onFinish={(v) => reveal.mutate(v.reason.trim())}>
          <Form.Item
            name="reason"
            label={t('resident.revealReason')}
            rules={[
              { required: true, whitespace: true, message: t('common.required') },
              { min: 2, message: t('resident.revealReasonShort') },
            ]}
          >
            <Input maxLength={200} placeholder={t('cases.revealReasonPlaceholder')} autoFocus />
          </Form.Item>
        </Form>
      </Modal>
    </span>
  );
}
