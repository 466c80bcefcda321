import { Form, type FormInstance, Input, Modal, Typography } from 'antd';
import { useI18n } from './i18n';

interface RevealReasonModalProps {
  title: string;
  open: boolean;
  form: FormInstance<{ reason: string }>;
  isPending: boolean;
  placeholder: string;
  onCancel: () => void;
  onReason: (reason: string) => void;
}

/** Asks why a personal number is to be shown in full; the reason goes to the audit log with the reveal. */
export function RevealReasonModal({
  title,
  open,
  form,
  isPending,
  placeholder,
  onCancel,
  onReason,
}: RevealReasonModalProps) {
  const { t } = useI18n();
  return (
    <Modal
      title={title}
      open={open}
      onCancel={onCancel}
      onOk={() => form.submit()}
      okText={t('resident.reveal')}
      confirmLoading={isPending}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">{t('resident.revealHint')}</Typography.Paragraph>
      <Form form={form} layout="vertical" onFinish={(v) => onReason(v.reason.trim())}>
        <Form.Item
          name="reason"
          label={t('resident.revealReason')}
          rules={[
            { required: true, whitespace: true, message: t('common.required') },
            { min: 2, message: t('resident.revealReasonShort') },
          ]}
        >
          <Input maxLength={200} placeholder={placeholder} autoFocus />
        </Form.Item>
      </Form>
    </Modal>
  );
}
