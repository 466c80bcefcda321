import { CheckOutlined, FontSizeOutlined } from '@ant-design/icons';
import { Button } from 'antd';
import { useI18n } from '../i18n';
import { setElderMode, useElderMode } from './elder-mode';

/** 大字: one tap in the phone header turns elder mode on or off, at once and for next time. */
export function ElderSwitch() {
  const { t } = useI18n();
  const isElder = useElderMode();
  return (
    <Button
      type="text"
      role="switch"
      aria-checked={isElder}
      aria-label={t('elder.switch.aria')}
      title={t('elder.switch.aria')}
      className={`tz-header-button tz-elder-switch${isElder ? ' is-on' : ''}`}
      icon={isElder ? <CheckOutlined /> : <FontSizeOutlined />}
      onClick={() => setElderMode(!isElder)}
      data-testid="elder-switch"
    >
      {t('elder.switch')}
    </Button>
  );
}
