import { Flex, Tag } from 'antd';
import type { Resident } from '../api/types';

/** A resident's care tags; the ones the system derives (e.g. from age) are drawn lighter. */
export function CareTagList({ tags, empty = '—' }: { tags: Resident['careTags']; empty?: string }) {
  if (tags.length === 0) return <span style={{ color: '#bfbfbf' }}>{empty}</span>;
  return (
    <Flex gap={4} wrap>
      {tags.map((tag) => (
        <Tag
          key={tag.code}
          color={tag.isDerived ? 'default' : 'volcano'}
          variant="filled"
          style={{ marginInlineEnd: 0 }}
        >
          {tag.name}
        </Tag>
      ))}
    </Flex>
  );
}
