import type { TableColumnsType } from 'antd';
import type { ReactNode } from 'react';
import { shareOf } from '../../../shared/figures';
import type { useI18n } from '../../app/i18n';
import type { BurdenTotals, UnitRef } from './api';
import { formatShare } from './charts';

/** A row of the 减负台账 per unit: a unit beside its burden figures (children, senders, the sending side). */
export type BurdenRow = BurdenTotals & { unit: UnitRef };

/** Meeting minutes as hours, one decimal (the figure is the minutes: tasks/burden.ts). */
export const hoursOf = (minutes: number) => (Math.round(minutes / 6) / 10).toFixed(1);

/** The share of report cells the platform filled in, of all cells answered. */
export const generatedShare = (t: BurdenTotals) => shareOf(t.cellsGenerated, t.cellsGenerated + t.cellsTyped);

/** Every burden column, in the order every table shows them. */
export const BURDEN_COLUMNS = [
  'tasksReceived',
  'tasksRefused',
  'tasksAdmitted',
  'meetings',
  'meetingsAttended',
  'meetingHours',
  'councilMeetings',
  'documents',
  'reportsAnswered',
  'cellsGenerated',
  'cellsTyped',
  'tasksOverdue',
  'generatedShare',
] as const;
export type BurdenColumn = (typeof BURDEN_COLUMNS)[number];

/**
 * The one definition of the burden tables' columns (the 减负台账 page's units and senders, the tasks page's
 * sending side): the unit column titled `unitTitle`, then `columns` (default: all) with their labels
 * (`burden.*`), widths, sorting and the hours and share derived the same way everywhere.
 */
export function burdenColumns(
  t: ReturnType<typeof useI18n>['t'],
  options: {
    unitTitle: string;
    renderUnit?: (row: BurdenRow) => ReactNode;
    columns?: readonly BurdenColumn[];
  },
): TableColumnsType<BurdenRow> {
  const figure = (key: BurdenColumn) => {
    if (key === 'meetingHours') {
      return {
        title: t('burden.meetingHours'),
        key,
        width: 92,
        align: 'right' as const,
        sorter: (a: BurdenRow, b: BurdenRow) => a.meetingMinutes - b.meetingMinutes,
        render: (_v: unknown, row: BurdenRow) => hoursOf(row.meetingMinutes),
      };
    }
    if (key === 'generatedShare') {
      return {
        title: t('burden.generatedShare'),
        key,
        width: 100,
        align: 'right' as const,
        render: (_v: unknown, row: BurdenRow) => formatShare(generatedShare(row)),
      };
    }
    return {
      title: t(`burden.${key}`),
      key,
      width: 92,
      align: 'right' as const,
      sorter: (a: BurdenRow, b: BurdenRow) => a[key] - b[key],
      render: (_v: unknown, row: BurdenRow) => row[key],
    };
  };
  return [
    {
      title: options.unitTitle,
      key: 'unit',
      ellipsis: true,
      render: (_v, row) => (options.renderUnit === undefined ? row.unit.name : options.renderUnit(row)),
    },
    ...(options.columns ?? BURDEN_COLUMNS).map(figure),
  ];
}
