import { EyeOutlined } from '@ant-design/icons';
import { useMutation } from '@tanstack/react-query';
import { App, Button, Form, Input, Modal, Typography } from 'antd';
import { useState } from 'react';
import { api, unwrap } from '../../../api/client';
import type { RevealField } from '../../../api/types';
import { useAuth } from '../../app/auth';
import { errorText, showFieldErrors } from '../../app/errors';
import { useI18n } from '../../app/i18n';

interface RevealValueProps {
  residentId: string;
  field: RevealField;
  masked: string | null;
}

/**
 * A masked ID or phone number; holders of pii.reveal can see it in full after giving a reason, which
 * the server writes to the audit log.
 */
export function RevealValue({ residentId, field, masked }: RevealValueProps) {
  const i18n = useI18n();
  const { t } = i18n;
  const { can } = useAuth();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ reason: string }>();
  const [isAsking, setAsking] = useState(false);
  const [value, setValue] = useState<string | null>(null);

  const reveal = useMutation({
    mutationFn: (reason: string) =>
      unwrap(
        api.POST('/api/v1/residents/{id}/reveal', { params: { path: { id: residentId } }, body: { field, reason } }),
      ),
    onSuccess: (result) => {
      setValue(result.value ?? '');
      setAsking(false);
    },
    onError: (error) => {
      if (!showFieldErrors(form, error, i18n, ['reason'])) void message.error(errorText(error, i18n));
    },
  });

  if (masked === null) return <span style={{ color: '#bfbfbf' }}>—</span>;
  if (value !== null) {
    return (
      <Typography.Text copyable className="tz-mono" data-testid={`revealed-${field}`}>
        {value}
      </Typography.Text>
    );
  }
  const label = field === 'idNumber' ? t('resident.revealIdNumber') : t('resident.revealPhone');
  return (
    <span className="tz-nowrap">
      <span className="tz-mono">{masked}</span>
      {can('pii.reveal') && (
        <Button
          type="link"
          size="small"
          icon={<EyeOutlined />}
          title={label}
          aria-label={label}
          data-testid={`reveal-${field}`}
          onClick={(event) => {
            event.stopPropagation();
            setAsking(true);
          }}
        />
      )}
      <Modal
        title={label}
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
            <Input maxLength={200} placeholder={t('resident.revealReasonPlaceholder')} autoFocus />
          </Form.Item>
        </Form>
      </Modal>
    </span>
  );
}
