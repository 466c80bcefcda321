import { Flex, Tag, Typography } from 'antd';
import { useDutySuggestions, useSettled } from '../../../shared/duty-suggestions';
import { useI18n } from '../../app/i18n';

/**
 * 说出来，不用选 at the desk: the three duty items a description most likely belongs to, offered under
 * it as staff type what the caller says; a tap fills the item field. Nothing is chosen for them.
 */
export function SuggestedDuties({
  text,
  value,
  onPick,
}: {
  text: string;
  value: string | undefined;
  onPick: (code: string) => void;
}) {
  const { t } = useI18n();
  const settled = useSettled(text.trim().slice(0, 500), 400);
  const suggestions = useDutySuggestions(settled);
  const items = settled.length >= 2 ? (suggestions.data ?? []) : [];
  if (items.length === 0) return null;
  return (
    <Flex wrap gap={6} align="center" style={{ marginTop: -12, marginBottom: 16 }} data-testid="intake-suggestions">
      <Typography.Text type="secondary">{t('duties.suggested')}</Typography.Text>
      {items.map((item) => (
        <Tag.CheckableTag
          key={item.code}
          checked={item.code === value}
          onChange={() => onPick(item.code)}
          data-testid="intake-suggestion"
          data-code={item.code}
        >
          {item.code} {item.name}
        </Tag.CheckableTag>
      ))}
    </Flex>
  );
}
