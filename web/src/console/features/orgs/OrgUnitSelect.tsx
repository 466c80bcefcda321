import { Select, Spin } from 'antd';
import { useState } from 'react';
import type { OrgLevel, OrgUnit } from '../../../api/types';
import { useI18n } from '../../app/i18n';
import { OrgUnitLabel } from './OrgUnitLabel';
import { useOrgSearch } from './useOrgSearch';

interface OrgUnitSelectProps {
  value?: string | undefined;
  onChange?: (id: string | undefined, unit: OrgUnit | undefined) => void;
  placeholder?: string;
  level?: OrgLevel;
  allowClear?: boolean;
  style?: React.CSSProperties;
  'data-testid'?: string;
  /** a unit to show before anything was searched, e.g. the one the page is about */
  initialUnit?: OrgUnit | undefined;
}

/** Picks one org unit in the user's scope by searching its name or code (a form control). */
export function OrgUnitSelect({
  value,
  onChange,
  placeholder,
  level,
  allowClear,
  style,
  initialUnit,
  ...rest
}: OrgUnitSelectProps) {
  const { t } = useI18n();
  const search = useOrgSearch(level);
  const [picked, setPicked] = useState<OrgUnit | undefined>(initialUnit);
  const known = [...search.items];
  if (picked !== undefined && !known.some((u) => u.id === picked.id)) known.unshift(picked);

  return (
    <Select<string>
      data-testid={rest['data-testid']}
      style={{ width: '100%', ...style }}
      value={value}
      allowClear={allowClear}
      placeholder={placeholder ?? t('org.searchPlaceholder')}
      showSearch={{ filterOption: false, onSearch: search.setText, searchValue: search.text }}
      notFoundContent={search.isSearching ? <Spin size="small" /> : search.isSettled ? t('org.searchEmpty') : null}
      options={known.map((unit) => ({ value: unit.id, label: <OrgUnitLabel unit={unit} /> }))}
      onChange={(id: string | undefined) => {
        const unit = known.find((u) => u.id === id);
        setPicked(unit);
        search.setText('');
        onChange?.(id, unit);
      }}
      popupMatchSelectWidth={false}
    />
  );
}
