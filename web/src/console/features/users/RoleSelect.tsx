import { Select } from 'antd';
import { useI18n } from '../../app/i18n';
import { useRoles } from './queries';

/** Picks a role by its name in the current language (a form control). */
export function RoleSelect(props: { value?: string; onChange?: (role: string) => void; style?: React.CSSProperties }) {
  const { t, pick } = useI18n();
  const roles = useRoles();
  return (
    <Select<string>
      {...props}
      data-testid="role-select"
      placeholder={t('user.role')}
      loading={roles.isPending}
      options={(roles.data ?? []).map((r) => ({ value: r.id, label: pick({ zh: r.name_zh, en: r.name_en }) }))}
    />
  );
}
