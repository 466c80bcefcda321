import { Alert, App, Button, Form, Input } from 'antd';
import { useState } from 'react';
import { useAuth } from '../auth';
import { errorText, showFieldErrors } from '../errors';
import { useI18n } from '../i18n';
import { AuthLayout } from './AuthLayout';
import { PasswordRuleHint } from './PasswordRuleHint';
import { checkPassword } from './passwordRule';

interface PasswordForm {
  currentPassword: string;
  newPassword: string;
  confirm: string;
}

/** Shown alone while a password change is forced; also reachable from the top bar. */
export function ChangePasswordPage({ onDone }: { onDone?: () => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { me, changePassword, logout } = useAuth();
  const { message } = App.useApp();
  const [form] = Form.useForm<PasswordForm>();
  const newPassword = Form.useWatch('newPassword', form) ?? '';
  const [error, setError] = useState<string | null>(null);
  const [isSubmitting, setSubmitting] = useState(false);
  const isForced = me?.mustChangePassword === true;

  const submit = async (values: PasswordForm) => {
    setSubmitting(true);
    setError(null);
    try {
      await changePassword(values.currentPassword, values.newPassword);
      void message.success(t('password.changed'));
      onDone?.();
    } catch (e) {
      if (!showFieldErrors(form, e, i18n, ['currentPassword', 'newPassword'])) setError(errorText(e, i18n));
    } finally {
      setSubmitting(false);
    }
  };

  const body = (
    <>
      {isForced && <Alert type="info" showIcon title={t('password.forcedHint')} style={{ marginBottom: 16 }} />}
      {error !== null && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} role="alert" />}
      <Form<PasswordForm> form={form} layout="vertical" onFinish={(v) => void submit(v)} requiredMark={false}>
        <Form.Item
          name="currentPassword"
          label={t('password.current')}
          rules={[{ required: true, message: t('common.required') }]}
        >
          <Input.Password autoComplete="current-password" autoFocus />
        </Form.Item>
        <Form.Item
          name="newPassword"
          label={t('password.new')}
          extra={<PasswordRuleHint password={newPassword} />}
          rules={[
            { required: true, message: t('common.required') },
            {
              validator: (_rule, value: string | undefined) =>
                value === undefined || value === '' || checkPassword(value).isValid
                  ? Promise.resolve()
                  : Promise.reject(new Error(t('password.weak'))),
            },
          ]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item
          name="confirm"
          label={t('password.confirm')}
          dependencies={['newPassword']}
          rules={[
            { required: true, message: t('common.required') },
            ({ getFieldValue }) => ({
              validator: (_rule, value: string | undefined) =>
                value === undefined || value === '' || value === getFieldValue('newPassword')
                  ? Promise.resolve()
                  : Promise.reject(new Error(t('password.mismatch'))),
            }),
          ]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Button type="primary" htmlType="submit" block loading={isSubmitting}>
          {t('password.submit')}
        </Button>
      </Form>
    </>
  );

  if (!isForced) return body;
  return (
    <AuthLayout
      title={t('password.title')}
      extra={
        <Button type="link" size="small" onClick={() => void logout()}>
          {t('app.logout')}
        </Button>
      }
    >
      {body}
    </AuthLayout>
  );
}
