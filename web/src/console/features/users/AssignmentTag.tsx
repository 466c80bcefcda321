import { Tag } from 'antd';
import type { Assignment } from '../../../api/types';
import { useI18n } from '../../app/i18n';

/** "网格员 @ 甘肃省…第一网格", cut to the cell's width with the whole text on hover. */
export function AssignmentTag({ assignment }: { assignment: Assignment }) {
  const { pick } = useI18n();
  const text = `${pick({ zh: assignment.roleName_zh, en: assignment.roleName_en })} @ ${assignment.orgName}`;
  return (
    <Tag color="blue" title={text} style={{ maxWidth: '100%', overflow: 'hidden', textOverflow: 'ellipsis' }}>
      {text}
    </Tag>
  );
}
