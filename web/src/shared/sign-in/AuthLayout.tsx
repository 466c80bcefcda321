import { Card, Flex, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useI18n } from '../i18n';
import { LanguageSwitch } from '../LanguageSwitch';
import { BrandMark } from '../BrandMark';

/** The centred card that sign-in and the forced password change share. */
export function AuthLayout({ title, children, extra }: { title: string; children: ReactNode; extra?: ReactNode }) {
  const { t } = useI18n();
  return (
    <Flex className="tz-auth" vertical align="center" justify="center">
      <div className="tz-auth-lang">
        <LanguageSwitch />
      </div>
      <Flex align="center" gap={12} style={{ marginBottom: 24 }}>
        <BrandMark size={44} />
        <div>
          <Typography.Title level={3} style={{ margin: 0 }}>
            {t('app.name')}
          </Typography.Title>
          <Typography.Text type="secondary">{t('app.subtitle')}</Typography.Text>
        </div>
      </Flex>
      <Card title={title} extra={extra} style={{ width: 400, maxWidth: '92vw' }}>
        {children}
      </Card>
      <Typography.Text type="secondary" style={{ marginTop: 24 }}>
        {t('login.footer')}
      </Typography.Text>
    </Flex>
  );
}
