import { Select } from 'antd';
import type { RoleId } from '../../../api/types';
import { useI18n } from '../../app/i18n';
import { useRoles } from './queries';

/** Picks a role by its name in the current language (a form control). */
export function RoleSelect(props: { value?: RoleId; onChange?: (role: RoleId) => void; style?: React.CSSProperties }) {
  const { t, pick } = useI18n();
  const roles = useRoles();
  return (
    <Select<RoleId>
      {...props}
      data-testid="role-select"
      placeholder={t('user.role')}
      loading={roles.isPending}
      options={(roles.data ?? []).map((r) => ({ value: r.id, label: pick({ zh: r.name_zh, en: r.name_en }) }))}
    />
  );
}
