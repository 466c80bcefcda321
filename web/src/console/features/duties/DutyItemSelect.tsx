import { Select } from 'antd';
import type { CSSProperties, ReactNode } from 'react';
import type { DutyItem } from '../../../api/types';
import { useI18n } from '../../app/i18n';
import { DutyKindTag } from './DutyKindTag';
import { useDutyList } from './queries';
import { useDepartmentName } from './useDepartmentName';

interface DutyItemSelectProps {
  value?: string | undefined;
  onChange?: (code: string | undefined, item: DutyItem | undefined) => void;
  placeholder?: string;
  allowClear?: boolean;
  style?: CSSProperties;
  /** show the kind of responsibility and the department beside each item (who will handle it) */
  isDetailed?: boolean;
  'data-testid'?: string;
}

/** What a search over an item matches: code, name, categories, keywords and department. */
const haystack = (item: DutyItem) =>
  [item.code, item.name, ...item.category, ...item.keywords, item.departmentName ?? ''].join(' ').toLowerCase();

/** Picks a current duty item (权责清单事项) by code, name, category or keyword (a form control). */
export function DutyItemSelect({
  value,
  onChange,
  placeholder,
  allowClear,
  style,
  isDetailed = false,
  ...rest
}: DutyItemSelectProps) {
  const { t } = useI18n();
  const list = useDutyList();
  const items = list.data?.items ?? [];
  const departmentName = useDepartmentName();

  return (
    <Select<string, { value: string; search: string; short: string; label: ReactNode }>
      data-testid={rest['data-testid']}
      style={{ width: '100%', ...style }}
      value={value}
      allowClear={allowClear}
      loading={list.isPending}
      placeholder={placeholder ?? t('duties.selectPlaceholder')}
      showSearch={{
        filterOption: (input, option) => option !== undefined && option.search.includes(input.trim().toLowerCase()),
      }}
      popupMatchSelectWidth={false}
      optionLabelProp="short"
      options={items.map((item) => ({
        value: item.code,
        search: haystack(item),
        short: `${item.code} ${item.name}`,
        label: (
          <span title={item.description}>
            <span className="tz-mono" style={{ color: '#8c8c8c', marginInlineEnd: 8 }}>
              {item.code}
            </span>
            {item.name}
            <span style={{ color: '#8c8c8c', marginInlineStart: 8, fontSize: 12 }}>{item.category.join(' / ')}</span>
            {isDetailed && (
              <span style={{ marginInlineStart: 8 }}>
                <DutyKindTag kind={item.kind} />
                {item.departmentName !== null && (
                  <span style={{ color: '#595959', fontSize: 12 }}>{departmentName(item)}</span>
                )}
              </span>
            )}
          </span>
        ),
      }))}
      onChange={(code: string | undefined) =>
        onChange?.(
          code,
          items.find((i) => i.code === code),
        )
      }
    />
  );
}
