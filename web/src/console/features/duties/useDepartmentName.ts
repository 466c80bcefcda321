import type { DutyItem } from '../../../api/types';
import { useI18n } from '../../app/i18n';
import { useDutyVocabulary } from './queries';

/** A duty item's department in the current language (the list itself carries the Chinese name only). */
export function useDepartmentName(): (item: Pick<DutyItem, 'department' | 'departmentName'>) => string | null {
  const { pick } = useI18n();
  const vocabulary = useDutyVocabulary();
  return (item) => {
    const department = vocabulary.data?.departments.find((d) => d.code === item.department);
    return department === undefined ? item.departmentName : pick(department);
  };
}
