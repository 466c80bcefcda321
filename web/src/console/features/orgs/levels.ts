import type { OrgLevel } from '../../../api/types';
import type { MessageKey } from '../../app/messages';

export const LEVEL_LABEL: Record<OrgLevel, MessageKey> = {
  nation: 'level.nation',
  province: 'level.province',
  city: 'level.city',
  county: 'level.county',
  street: 'level.street',
  community: 'level.community',
  grid: 'level.grid',
  compound: 'level.compound',
  group: 'level.group',
  department: 'level.department',
};

/** Levels top-down, for ordering subtree counts. */
export const LEVEL_ORDER: readonly OrgLevel[] = [
  'nation',
  'province',
  'city',
  'county',
  'street',
  'community',
  'grid',
  'compound',
  'group',
];

/** The levels a community's staff create by hand below it. */
export const CREATABLE_LEVELS = ['grid', 'compound', 'group'] as const;

export const LEVEL_COLOR: Record<OrgLevel, string> = {
  nation: 'default',
  province: 'magenta',
  city: 'volcano',
  county: 'orange',
  street: 'gold',
  community: 'blue',
  grid: 'green',
  compound: 'cyan',
  group: 'purple',
  department: 'geekblue',
};
