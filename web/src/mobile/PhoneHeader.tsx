import { LeftOutlined } from '@ant-design/icons';
import { Button, Flex, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useLocation, useNavigate } from 'react-router-dom';
import { BrandMark } from '../shared/BrandMark';
import { LanguageSwitch } from '../shared/LanguageSwitch';
import { ElderSwitch } from './elder/ElderSwitch';
import { isElderPath, useElderMode } from './elder/elder-mode';
import { useI18n } from './i18n';

interface PhoneHeaderProps {
  title: string;
  /** where the back arrow leads; the brand instead on the top-level pages */
  back?: string | undefined;
  /** buttons after the language switch (sign out, the console…) */
  actions?: ReactNode;
}

/**
 * The title bar of every phone page: back arrow or brand, the title, then 大字 (elder mode), the
 * language switch and actions. In elder mode the back arrow says 返回 and the switches get a row of
 * their own under the title (elder.css).
 */
export function PhoneHeader({ title, back, actions }: PhoneHeaderProps) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const hasElderMode = isElderPath(useLocation().pathname);
  const isElder = useElderMode() && hasElderMode;
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
          >
            {isElder && t('phone.back')}
          </Button>
        ) : (
          <BrandMark size={24} />
        )}
        <Typography.Text strong ellipsis className="tz-m-title" data-testid="phone-title">
          {title}
        </Typography.Text>
      </Flex>
      <Flex align="center" gap={2}>
        {hasElderMode && <ElderSwitch />}
        <LanguageSwitch />
        {actions}
      </Flex>
    </header>
  );
}
