import { Breadcrumb, Typography } from 'antd';
import { useState } from 'react';
import { useAuth } from '../../../shared/auth';
import { useI18n } from '../../app/i18n';
import type { OrgLevel } from '../../../api/types';
import { OrgUnitSelect } from '../orgs/OrgUnitSelect';

export interface Crumb {
  id: string;
  name: string;
}

/**
 * The unit a field-work page is about: her first assignment to start with, another picked by
 * search, or one drilled into from a table (kept as a trail to climb back).
 */
export function useUnitTrail() {
  const { me } = useAuth();
  const first = me?.assignments[0];
  const [trail, setTrail] = useState<Crumb[]>(first === undefined ? [] : [{ id: first.orgId, name: first.orgName }]);
  return {
    trail,
    current: trail[trail.length - 1],
    pick: (unit: Crumb) => setTrail([unit]),
    drill: (unit: Crumb) => setTrail([...trail, unit]),
    climb: (index: number) => setTrail(trail.slice(0, index + 1)),
  };
}

export function UnitPicker({
  trail,
  level,
  testId,
}: {
  trail: ReturnType<typeof useUnitTrail>;
  level?: OrgLevel;
  testId?: string;
}) {
  const { t } = useI18n();
  return (
    <>
      <OrgUnitSelect
        placeholder={t('fieldwork.pickUnit')}
        style={{ width: 300 }}
        value={undefined}
        level={level}
        onChange={(id, unit) => {
          if (id !== undefined) trail.pick({ id, name: unit?.name ?? '' });
        }}
        data-testid={testId}
      />
      <Breadcrumb
        style={{ marginTop: 12 }}
        items={trail.trail.map((unit, i) =>
          i === trail.trail.length - 1
            ? { title: <Typography.Text strong>{unit.name}</Typography.Text> }
            : { title: <Typography.Link onClick={() => trail.climb(i)}>{unit.name}</Typography.Link> },
        )}
      />
    </>
  );
}
