import { RightOutlined, SearchOutlined } from '@ant-design/icons';
import { Alert, Drawer, Empty, Flex, Input, Skeleton, Tag, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { errorText } from '../../shared/errors';
import { useI18n } from '../i18n';
import { useSettled } from '../../shared/duty-suggestions';
import { useDutySuggestions, usePublicDutyItems, type PublicDutyItem } from './api';

interface CategoryFieldProps {
  id?: string;
  value?: PublicDutyItem;
  onChange?: (item: PublicDutyItem) => void;
  /** her description: the three likeliest items are offered as she types, the first chosen until she picks */
  suggestFrom?: string;
}

/** Items under their top category, in the order the server lists them. */
function groupByCategory(items: PublicDutyItem[]): [string, PublicDutyItem[]][] {
  const groups = new Map<string, PublicDutyItem[]>();
  for (const item of items) {
    const top = item.category[0] ?? '';
    groups.set(top, [...(groups.get(top) ?? []), item]);
  }
  return [...groups.entries()];
}

/**
 * How well an item the server found answers the words typed: its name first, then its keywords,
 * then its category; a hit only in the long description comes last.
 */
function closeness(item: PublicDutyItem, q: string): number {
  if (item.name.includes(q)) return 0;
  if (item.keywords.some((k) => k.includes(q) || q.includes(k))) return 1;
  if (item.category.some((c) => c.includes(q))) return 2;
  return 3;
}

/**
 * The (at most three) public items the server suggests for her description, as full items from the
 * public list: one request per pause in typing.
 */
function useSuggestedItems(description: string): { items: PublicDutyItem[]; answers: string | undefined } {
  const settled = useSettled(description.trim(), 400);
  const suggestions = useDutySuggestions(settled);
  const all = usePublicDutyItems('');
  const items = useMemo(() => {
    if (settled.length < 2 || suggestions.data === undefined || all.data === undefined) return [];
    const byCode = new Map(all.data.map((i) => [i.code, i]));
    return suggestions.data.flatMap((s) => byCode.get(s.code) ?? []);
  }, [settled, suggestions.data, all.data]);
  // the words these suggestions answer (none while the next answer is on its way)
  return { items, answers: suggestions.isPlaceholderData ? undefined : settled };
}

function CategoryOption({ item, onPick }: { item: PublicDutyItem; onPick: (item: PublicDutyItem) => void }) {
  return (
    <button
      type="button"
      className="tz-category-item"
      data-testid="category-option"
      data-code={item.code}
      onClick={() => onPick(item)}
    >
      <Typography.Text strong>{item.name}</Typography.Text>
      <Typography.Paragraph type="secondary" ellipsis={{ rows: 2 }} className="tz-meta" style={{ margin: 0 }}>
        {item.category.join(' · ')} — {item.description}
      </Typography.Paragraph>
    </button>
  );
}

function CategoryList({ q, onPick }: { q: string; onPick: (item: PublicDutyItem) => void }) {
  const i18n = useI18n();
  const text = useSettled(q.trim(), 250);
  const items = usePublicDutyItems(text);
  if (items.error !== null) return <Alert type="error" showIcon title={errorText(items.error, i18n)} />;
  if (items.data === undefined) return <Skeleton active paragraph={{ rows: 8 }} />;
  if (items.data.length === 0) return <Empty description={i18n.t('phone.new.categoryEmpty')} />;
  // the words these results answer (the last search's, while the next one is on its way)
  const answers = items.isPlaceholderData ? undefined : text;
  if (text !== '') {
    const ranked = [...items.data].sort((a, b) => closeness(a, text) - closeness(b, text));
    return (
      <div data-testid="category-options" data-query={answers} style={{ marginTop: 8 }}>
        {ranked.map((item) => (
          <CategoryOption key={item.code} item={item} onPick={onPick} />
        ))}
      </div>
    );
  }
  return (
    <div data-testid="category-options" data-query={answers}>
      {groupByCategory(items.data).map(([group, members]) => (
        <section key={group}>
          <div className="tz-category-group">{group}</div>
          {members.map((item) => (
            <CategoryOption key={item.code} item={item} onPick={onPick} />
          ))}
        </section>
      ))}
    </div>
  );
}

/**
 * 诉求类别: as she describes the problem, the three likeliest items are offered under the field and the
 * first is chosen for her (说出来，不用选); the field still opens a sheet from the bottom where she can
 * search all public duty items by the words she would use (噪音, 路灯, 入学) and tap any one.
 */
export function CategoryField({ id, value, onChange, suggestFrom = '' }: CategoryFieldProps) {
  const { t } = useI18n();
  const [isOpen, setOpen] = useState(false);
  const [q, setQ] = useState('');
  const { items: suggested, answers } = useSuggestedItems(suggestFrom);
  // once she picks an item herself (from the sheet or a suggestion), her description no longer changes it
  const [isPickedByHand, setPickedByHand] = useState(false);
  const top = suggested[0];
  useEffect(() => {
    if (!isPickedByHand && top !== undefined && top.code !== value?.code) onChange?.(top);
  }, [isPickedByHand, top, value?.code, onChange]);
  const pick = (item: PublicDutyItem) => {
    setPickedByHand(true);
    onChange?.(item);
  };

  return (
    <>
      <button
        id={id}
        type="button"
        className="tz-category-value"
        data-testid="category-field"
        aria-haspopup="dialog"
        onClick={() => setOpen(true)}
      >
        {value === undefined ? (
          <Typography.Text type="secondary">{t('phone.new.categoryPick')}</Typography.Text>
        ) : (
          <span style={{ minWidth: 0 }}>
            <Typography.Text strong data-testid="category-chosen">
              {value.name}
            </Typography.Text>
            <br />
            <Typography.Text type="secondary" className="tz-meta">
              {value.category.join(' · ')}
            </Typography.Text>
          </span>
        )}
        <Typography.Text type="secondary" className="tz-nowrap">
          {value !== undefined && t('phone.new.categoryChange')} <RightOutlined />
        </Typography.Text>
      </button>
      {suggested.length > 0 && (
        <div data-testid="category-suggestions" data-query={answers} style={{ marginTop: 8 }}>
          <Typography.Text type="secondary" className="tz-meta">
            {t('phone.new.suggested')}
          </Typography.Text>
          <Flex wrap gap={6} style={{ marginTop: 4 }}>
            {suggested.map((item) => (
              <Tag.CheckableTag
                key={item.code}
                checked={item.code === value?.code}
                onChange={() => pick(item)}
                data-testid="category-suggestion"
                data-code={item.code}
                className="tz-category-suggestion"
              >
                {item.name}
              </Tag.CheckableTag>
            ))}
          </Flex>
          {!isPickedByHand && (
            <Typography.Text type="secondary" className="tz-meta-xs">
              {t('phone.new.suggestedHint')}
            </Typography.Text>
          )}
        </div>
      )}
      <Drawer
        open={isOpen}
        placement="bottom"
        size="85%"
        title={t('phone.new.categoryPick')}
        onClose={() => setOpen(false)}
        styles={{ body: { paddingTop: 8 } }}
      >
        <Input
          allowClear
          size="large"
          prefix={<SearchOutlined />}
          placeholder={t('phone.new.categorySearch')}
          aria-label={t('phone.new.categorySearch')}
          value={q}
          onChange={(e) => setQ(e.target.value)}
          data-testid="category-search"
        />
        <CategoryList
          q={q}
          onPick={(item) => {
            pick(item);
            setOpen(false);
          }}
        />
      </Drawer>
    </>
  );
}
