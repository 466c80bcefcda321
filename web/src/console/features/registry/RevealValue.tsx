import { EyeOutlined } from '@ant-design/icons';
import { useMutation } from '@tanstack/react-query';
import { App, Button, Form, Typography } from 'antd';
import { useState } from 'react';
import { api, unwrap } from '../../../api/client';
import type { RevealField } from '../../../api/types';
import { useAuth } from '../../../shared/auth';
import { errorText, showFieldErrors } from '../../../shared/errors';
import { useI18n } from '../../app/i18n';
import { RevealReasonModal } from '../../app/RevealReasonModal';

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
      <RevealReasonModal
        title={label}
        open={isAsking}
        form={form}
        isPending={reveal.isPending}
        placeholder={t('resident.revealReasonPlaceholder')}
        onCancel={() => setAsking(false)}
        onReason={(reason) => reveal.mutate(reason)}
      />
    </span>
  );
}
