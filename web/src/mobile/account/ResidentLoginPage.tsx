import { MessageOutlined, MobileOutlined, SafetyOutlined, WechatOutlined } from '@ant-design/icons';
import { Alert, Button, Flex, Form, Input, Space, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { ApiError } from '../../api/client';
import { clearErrorsOnChange, errorText, showFieldErrors } from '../../shared/errors';
import { AuthLayout } from '../../shared/sign-in/AuthLayout';
import { LoginPage } from '../../shared/sign-in/LoginPage';
import { ElderSwitch } from '../elder/ElderSwitch';
import { useI18n, type MessageKey } from '../i18n';
import { requestSmsCode, useSignInOptions, useSmsSignIn } from './api';

interface CodeForm {
  phone: string;
  code: string;
}

const WECHAT_REASONS = ['state', 'code_invalid', 'code_used', 'snapshot', 'unavailable', 'disabled'] as const;
const isInsideWechat = () => /MicroMessenger/i.test(navigator.userAgent);

/** Seconds until `deadline` (ms), ticking once a second; 0 when none. */
function useSecondsLeft(deadline: number | null): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (deadline === null) return undefined;
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, [deadline]);
  return deadline === null ? 0 : Math.max(0, Math.ceil((deadline - now) / 1000));
}

/**
 * 居民登录 (/m/login, and every phone page while signed out): her mobile number and a code by SMS — a
 * resident account on first use — or WeChat inside WeChat where it is set up; staff switch to the
 * password form. The countdown only holds back a second code: the code box never closes on her.
 */
export function ResidentLoginPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const [form] = Form.useForm<CodeForm>();
  const options = useSignInOptions();
  const signIn = useSmsSignIn();
  const [isStaff, setStaff] = useState(false);
  const [sent, setSent] = useState<{ to: string; minutes: number } | null>(null);
  const [resendAt, setResendAt] = useState<number | null>(null);
  const [isSending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const secondsLeft = useSecondsLeft(resendAt);
  const wechatReason = new URLSearchParams(window.location.search).get('wechat');
  const wechatProblem = WECHAT_REASONS.find((r) => r === wechatReason);

  if (isStaff) {
    return (
      <div>
        <LoginPage />
        <Flex justify="center" style={{ padding: 12 }}>
          <Button type="link" onClick={() => setStaff(false)} data-testid="resident-login-link">
            {t('account.login.resident')}
          </Button>
        </Flex>
      </div>
    );
  }

  const sendCode = async () => {
    setError(null);
    let phone: string;
    try {
      ({ phone } = await form.validateFields(['phone']));
    } catch {
      return;
    }
    setSending(true);
    try {
      const answer = await requestSmsCode(phone.trim());
      setSent({ to: answer.sentTo, minutes: Math.round(answer.expiresInSeconds / 60) });
      setResendAt(Date.now() + answer.resendAfterSeconds * 1000);
    } catch (e) {
      if (!showFieldErrors(form, e, i18n, ['phone', 'code'])) setError(errorText(e, i18n));
      // "too soon": wait as long as the server says, without a second request
      if (e instanceof ApiError && e.errors[0]?.code === 'too_soon') {
        const seconds = Number(/(\d+)/.exec(e.message_en)?.[1] ?? 60);
        setResendAt(Date.now() + seconds * 1000);
      }
    } finally {
      setSending(false);
    }
  };

  const submit = async (values: CodeForm) => {
    setError(null);
    try {
      await signIn.mutateAsync({ phone: values.phone.trim(), code: values.code.trim() });
      if (window.location.pathname === '/m/login') window.history.replaceState(null, '', '/m/cases');
    } catch (e) {
      if (!showFieldErrors(form, e, i18n, ['phone', 'code'])) setError(errorText(e, i18n));
    }
  };

  const offersWechat = options.data?.wechat === true && isInsideWechat();
  const next =
    window.location.pathname.startsWith('/m/') && window.location.pathname !== '/m/login'
      ? window.location.pathname
      : '/m/cases';

  return (
    <AuthLayout title={t('account.login.title')} extra={<ElderSwitch onCard />}>
      <Typography.Paragraph type="secondary">{t('account.login.intro')}</Typography.Paragraph>
      {wechatProblem !== undefined && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 12 }}
          message={t(`account.login.wechat.${wechatProblem}` as MessageKey)}
        />
      )}
      {error !== null && (
        <Alert type="error" showIcon style={{ marginBottom: 12 }} message={error} data-testid="login-error" />
      )}
      <Form<CodeForm>
        form={form}
        layout="vertical"
        requiredMark={false}
        onFinish={(v) => void submit(v)}
        onValuesChange={clearErrorsOnChange(form)}
      >
        <Form.Item
          name="phone"
          label={t('account.login.phone')}
          rules={[{ required: true, whitespace: true, message: t('account.login.phoneRequired') }]}
        >
          <Input
            size="large"
            prefix={<MobileOutlined />}
            inputMode="tel"
            autoComplete="tel"
            maxLength={16}
            placeholder={t('account.login.phonePlaceholder')}
            data-testid="login-phone"
          />
        </Form.Item>
        <Form.Item label={t('account.login.code')} required={false}>
          <Space.Compact style={{ width: '100%' }}>
            <Form.Item
              name="code"
              noStyle
              rules={[{ required: true, whitespace: true, message: t('account.login.codeRequired') }]}
            >
              <Input
                size="large"
                prefix={<SafetyOutlined />}
                inputMode="numeric"
                autoComplete="one-time-code"
                maxLength={6}
                placeholder={t('account.login.codePlaceholder')}
                data-testid="login-code"
              />
            </Form.Item>
            <Button
              size="large"
              icon={<MessageOutlined />}
              loading={isSending}
              disabled={secondsLeft > 0}
              onClick={() => void sendCode()}
              data-testid="send-code"
            >
              {sent === null ? t('account.login.send') : t('account.login.resend')}
            </Button>
          </Space.Compact>
        </Form.Item>
        {sent !== null && (
          <Alert
            type="success"
            showIcon
            style={{ marginBottom: 12 }}
            data-testid="code-sent"
            message={t('account.login.sent', { phone: sent.to, minutes: sent.minutes })}
            description={secondsLeft > 0 ? t('account.login.countdown', { n: secondsLeft }) : undefined}
          />
        )}
        <Button
          type="primary"
          htmlType="submit"
          size="large"
          block
          loading={signIn.isPending}
          data-testid="login-submit"
        >
          {t('account.login.submit')}
        </Button>
      </Form>
      {offersWechat && (
        <Button
          size="large"
          block
          icon={<WechatOutlined />}
          style={{ marginTop: 12, color: '#07c160', borderColor: '#07c160' }}
          href={`/api/v1/auth/wechat/start?next=${encodeURIComponent(next)}`}
          data-testid="wechat-login"
        >
          {t('account.login.wechat')}
        </Button>
      )}
      <Flex justify="center" style={{ marginTop: 12 }}>
        <Button type="link" onClick={() => setStaff(true)} data-testid="staff-login-link">
          {t('account.login.staff')}
        </Button>
      </Flex>
      {/* the public pages are another app (p.html): a page load */}
      <Flex justify="center">
        <a href="/p" data-testid="public-page-link">
          {t('login.publicPage')}
        </a>
      </Flex>
    </AuthLayout>
  );
}
