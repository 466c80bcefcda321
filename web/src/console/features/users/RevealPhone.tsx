import { useMutation } from '@tanstack/react-query';
import { App, Form, Input, Modal, Typography } from 'antd';
import { useState } from 'react';
import { api, unwrap } from '../../../api/client';
import { errorText, showFieldErrors } from '../../../shared/errors';
import { useI18n } from '../../app/i18n';

/** The masked phone, and for holders of pii.reveal a way to see it in full, giving a reason that is audited. */
export function RevealPhone({ userId, maskedPhone }: { userId: string; maskedPhone: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const [form] = Form.useForm<{ reason: string }>();
  const [isAsking, setAsking] = useState(false);
  const [phone, setPhone] = useState<string | null>(null);

  const reveal = useMutation({
    mutationFn: (reason: string) =>
      unwrap(api.POST('/api/v1/users/{id}/reveal-phone', { params: { path: { id: userId } }, body: { reason } })),
    onSuccess: (result) => {
      setPhone(result.phone);
      setAsking(false);
    },
    onError: (error) => {
      if (!showFieldErrors(form, error, i18n, ['reason'])) void message.error(errorText(error, i18n));
    },
  });

  if (phone !== null) return <Typography.Text copyable>{phone}</Typography.Text>;
  return (
    <>
      {maskedPhone}
      <Typography.Link style={{ marginInlineStart: 12 }} onClick={() => setAsking(true)}>
        {t('user.revealPhone')}
      </Typography.Link>
      <Modal
        title={t('user.revealPhone')}
        open={isAsking}
        onCancel={() => setAsking(false)}
        onOk={() => form.submit()}
        confirmLoading={reveal.isPending}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" onFinish={(v) => reveal.mutate(v.reason.trim())}>
          <Form.Item
            name="reason"
            label={t('user.revealReason')}
            rules={[{ required: true, whitespace: true, message: t('common.required') }]}
          >
            <Input maxLength={200} placeholder={t('user.revealReasonPlaceholder')} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
