import { Tag } from 'antd';
import type { User } from '../../../api/types';
import { useI18n } from '../../app/i18n';

export function UserStatusTag({ user }: { user: User }) {
  const { t } = useI18n();
  if (user.isDisabled) return <Tag color="default">{t('user.status.disabled')}</Tag>;
  if (user.isLocked) return <Tag color="red">{t('user.status.locked')}</Tag>;
  if (user.mustChangePassword) return <Tag color="orange">{t('user.status.mustChange')}</Tag>;
  return <Tag color="green">{t('user.status.active')}</Tag>;
}
