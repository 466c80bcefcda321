import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Button, Form, Input } from 'antd';
import { useState } from 'react';
import { useAuth } from '../auth';
import { errorText } from '../errors';
import { useI18n } from '../i18n';
import { AuthLayout } from './AuthLayout';

interface LoginForm {
  username: string;
  password: string;
}

export function LoginPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const { login } = useAuth();
  const [error, setError] = useState<string | null>(null);
  const [isSubmitting, setSubmitting] = useState(false);

  const submit = async (values: LoginForm) => {
    setSubmitting(true);
    setError(null);
    try {
      await login(values.username.trim(), values.password);
    } catch (e) {
      setError(errorText(e, i18n));
      setSubmitting(false);
    }
  };

  return (
    <AuthLayout title={t('login.title')}>
      {error !== null && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} role="alert" />}
      <Form<LoginForm> layout="vertical" size="large" onFinish={(v) => void submit(v)} requiredMark={false}>
        <Form.Item
          name="username"
          label={t('login.username')}
          rules={[{ required: true, message: t('common.required') }]}
        >
          <Input prefix={<UserOutlined />} autoComplete="username" autoFocus />
        </Form.Item>
        <Form.Item
          name="password"
          label={t('login.password')}
          rules={[{ required: true, message: t('common.required') }]}
        >
          <Input.Password prefix={<LockOutlined />} autoComplete="current-password" />
        </Form.Item>
        <Button type="primary" htmlType="submit" block loading={isSubmitting}>
          {t('login.submit')}
        </Button>
      </Form>
      {/* another app (p.html): a page load, like every move between apps */}
      <a href="/p" className="tz-auth-public" style={{ display: 'block', marginTop: 16, textAlign: 'center' }}>
        {t('login.publicPage')}
      </a>
    </AuthLayout>
  );
}
