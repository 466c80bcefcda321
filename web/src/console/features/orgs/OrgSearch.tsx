import { SearchOutlined } from '@ant-design/icons';
import { Select, Spin } from 'antd';
import { useI18n } from '../../app/i18n';
import { OrgUnitLabel } from './OrgUnitLabel';
import { useOrgSearch } from './useOrgSearch';

/** The box above the tree: type a name or division code, pick a unit, jump to it. */
export function OrgSearch({ onPick }: { onPick: (id: string) => void }) {
  const { t } = useI18n();
  const search = useOrgSearch();
  return (
    <Select<string | null>
      data-testid="org-search"
      style={{ width: '100%' }}
      value={null}
      prefix={<SearchOutlined />}
      placeholder={t('org.searchPlaceholder')}
      showSearch={{ filterOption: false, onSearch: search.setText, searchValue: search.text }}
      notFoundContent={search.isSearching ? <Spin size="small" /> : search.isSettled ? t('org.searchEmpty') : null}
      options={search.items.map((unit) => ({ value: unit.id, label: <OrgUnitLabel unit={unit} /> }))}
      onChange={(id) => {
        if (id !== null) onPick(id);
        search.setText('');
      }}
      popupMatchSelectWidth={420}
    />
  );
}
