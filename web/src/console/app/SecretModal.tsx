import { Alert, Modal, Typography } from 'antd';
import { useI18n } from './i18n';

/** Shows a secret (initial password, API key) the one time the server hands it out, with a copy button. */
export function SecretModal({
  title,
  hint,
  secret,
  onClose,
}: {
  title: string;
  hint: string;
  secret: string | null;
  onClose: () => void;
}) {
  const { t } = useI18n();
  return (
    <Modal
      title={title}
      open={secret !== null}
      onCancel={onClose}
      onOk={onClose}
      okText={t('common.close')}
      cancelButtonProps={{ style: { display: 'none' } }}
      okButtonProps={{ 'data-testid': 'secret-close' }}
      mask={{ closable: false }}
      destroyOnHidden
    >
      <Alert type="warning" showIcon title={hint} style={{ marginBottom: 16 }} />
      <Typography.Paragraph
        copyable={{ text: secret ?? '', tooltips: [t('common.copy'), t('common.copied')] }}
        data-testid="secret-value"
        style={{
          fontFamily: 'monospace',
          fontSize: 18,
          padding: '8px 12px',
          background: '#fafafa',
          borderRadius: 6,
          wordBreak: 'break-all',
        }}
      >
        {secret}
      </Typography.Paragraph>
    </Modal>
  );
}
