import { Tag } from 'antd';
import type { Assignment } from '../../../api/types';
import { useI18n } from '../../app/i18n';

/** "网格员 @ 第一网格" */
export function AssignmentTag({
  assignment,
  ...rest
}: {
  assignment: Assignment;
  closable?: boolean;
  onClose?: () => void;
}) {
  const { pick } = useI18n();
  return (
    <Tag color="blue" {...rest}>
      {pick({ zh: assignment.roleName_zh, en: assignment.roleName_en })} @ {assignment.orgName}
    </Tag>
  );
}
