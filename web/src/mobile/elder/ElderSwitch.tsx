import { CheckOutlined, FontSizeOutlined } from '@ant-design/icons';
import { Button } from 'antd';
import { useI18n } from '../i18n';
import { setElderMode, useElderMode } from './elder-mode';

/**
 * 大字: one tap turns elder mode on or off, at once and for next time — in the phone header of every
 * page, and on the sign-in card (`onCard`), where an older resident meets the app first.
 */
export function ElderSwitch({ onCard = false }: { onCard?: boolean }) {
  const { t } = useI18n();
  const isElder = useElderMode();
  return (
    <Button
      type={onCard ? (isElder ? 'primary' : 'default') : 'text'}
      role="switch"
      aria-checked={isElder}
      aria-label={t('elder.switch.aria')}
      title={t('elder.switch.aria')}
      className={`${onCard ? '' : 'tz-header-button '}tz-elder-switch${isElder ? ' is-on' : ''}`}
      icon={isElder ? <CheckOutlined /> : <FontSizeOutlined />}
      onClick={() => setElderMode(!isElder)}
      data-testid="elder-switch"
    >
      {t('elder.switch')}
    </Button>
  );
}
