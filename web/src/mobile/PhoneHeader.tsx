import { LeftOutlined } from '@ant-design/icons';
import { Button, Flex, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useNavigate } from 'react-router-dom';
import { BrandMark } from '../shared/BrandMark';
import { useI18n } from './i18n';
import { LanguageSwitch } from '../shared/LanguageSwitch';

interface PhoneHeaderProps {
  title: string;
  /** where the back arrow leads; the brand instead on the top-level pages */
  back?: string | undefined;
  /** buttons after the language switch (sign out, the console…) */
  actions: ReactNode;
}

/** The title bar of every phone page: back arrow or brand, the title, the language switch and actions. */
export function PhoneHeader({ title, back, actions }: PhoneHeaderProps) {
  const { t } = useI18n();
  const navigate = useNavigate();
  return (
    <header className="tz-m-header">
      <Flex align="center" gap={6} style={{ minWidth: 0 }}>
        {back !== undefined ? (
          <Button
            type="text"
            className="tz-header-button"
            icon={<LeftOutlined />}
            aria-label={t('phone.back')}
            onClick={() => void navigate(back)}
          />
        ) : (
          <BrandMark size={24} />
        )}
        <Typography.Text strong ellipsis style={{ color: '#fff', fontSize: 17 }} data-testid="phone-title">
          {title}
        </Typography.Text>
      </Flex>
      <Flex align="center" gap={2}>
        <LanguageSwitch />
        {actions}
      </Flex>
    </header>
  );
}
