import { formatPercent } from '../../../shared/figures';
import type { I18n } from '../../app/i18n';
import type { MessageKey } from '../../app/messages';
import { LEVEL_COLOR, LEVEL_LABEL } from '../orgs/levels';
import type { ChildFigures, InsightCases, InsightPopulation, Labelled, TrendMonth } from './api';
import type { ChartOption } from './EChart';

/** Colours shared by the console and the big screen, so a figure looks the same on both. */
export const PALETTE = {
  male: '#3b82f6',
  female: '#f472b6',
  residents: '#1677ff',
  alone: '#fa8c16',
  open: '#13c2c2',
  overdue: '#f5222d',
  resolved: '#52c41a',
  visits: '#722ed1',
  added: '#faad14',
} as const;

type T = I18n['t'];

/** The name of a code from one of the vocabularies, or the code itself when the console does not know it. */
export function labelOf(t: T, labels: Partial<Record<string, MessageKey>>, key: string): string {
  const label = labels[key];
  return label === undefined ? key : t(label);
}

// the big screen is read from across a room: larger labels
const axisText = (isDark: boolean) => ({ color: isDark ? '#cbd5e1' : '#595959', fontSize: isDark ? 14 : 12 });

/** 人口金字塔: men to the left, women to the right, youngest band at the bottom. */
export function pyramidOption(t: T, population: InsightPopulation, isDark = false): ChartOption {
  const bands = population.byAgeBand;
  return {
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      valueFormatter: (v: unknown) => (typeof v === 'number' ? String(Math.abs(v)) : '—'),
    },
    legend: { top: 0, textStyle: axisText(isDark) },
    grid: { left: 56, right: 24, top: 32, bottom: 24 },
    xAxis: { type: 'value', axisLabel: { formatter: (v: number) => String(Math.abs(v)), ...axisText(isDark) } },
    yAxis: { type: 'category', data: bands.map((b) => b.band), axisLabel: axisText(isDark) },
    series: [
      {
        type: 'bar',
        name: t('insights.male'),
        stack: 'people',
        itemStyle: { color: PALETTE.male },
        data: bands.map((b) => -b.male),
      },
      {
        type: 'bar',
        name: t('insights.female'),
        stack: 'people',
        itemStyle: { color: PALETTE.female },
        data: bands.map((b) => b.female),
      },
    ],
  };
}

/** A ring of shares (residence types, case states). */
export function ringOption(rows: { name: string; value: number }[], isDark = false): ChartOption {
  return {
    tooltip: { trigger: 'item', formatter: '{b}: {c}（{d}%）' },
    legend: { bottom: 0, textStyle: axisText(isDark) },
    series: [
      {
        type: 'pie',
        radius: ['36%', '58%'],
        center: ['50%', '44%'],
        avoidLabelOverlap: true,
        minShowLabelAngle: 8,
        label: { formatter: '{b}\n{c}', color: isDark ? '#e2e8f0' : undefined, overflow: 'none' },
        labelLine: { length: 8, length2: 8 },
        data: rows,
      },
    ],
  };
}

/** One horizontal bar per row, the largest on top (care tags, duty items). */
export function rankingOption(rows: { name: string; value: number }[], color: string, isDark = false): ChartOption {
  const ordered = [...rows].sort((a, b) => a.value - b.value);
  return {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    grid: { left: 8, right: 40, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: 'value', axisLabel: axisText(isDark), splitLine: { show: !isDark } },
    yAxis: {
      type: 'category',
      data: ordered.map((r) => r.name),
      axisLabel: { width: 150, overflow: 'truncate', ...axisText(isDark) },
    },
    series: [
      {
        type: 'bar',
        barMaxWidth: 18,
        itemStyle: { color, borderRadius: [0, 3, 3, 0] },
        label: { show: true, position: 'right', color: isDark ? '#e2e8f0' : '#595959' },
        data: ordered.map((r) => r.value),
      },
    ],
  };
}

/** The units one level down: residents and elderly living alone side by side, open and overdue cases on a second axis. */
export function childrenOption(t: T, items: ChildFigures[], isDark = false): ChartOption {
  return {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { top: 0, textStyle: axisText(isDark) },
    grid: { left: 48, right: 48, top: 36, bottom: 56 },
    xAxis: {
      type: 'category',
      data: items.map((c) => c.unit.name),
      axisLabel: {
        interval: 0,
        rotate: items.length > 6 ? 30 : 0,
        width: 96,
        overflow: 'truncate',
        ...axisText(isDark),
      },
    },
    yAxis: [
      { type: 'value', name: t('insights.people'), axisLabel: axisText(isDark), splitLine: { show: !isDark } },
      { type: 'value', name: t('insights.caseCount'), axisLabel: axisText(isDark), splitLine: { show: false } },
    ],
    series: [
      {
        type: 'bar',
        name: t('insights.residents'),
        barMaxWidth: 28,
        itemStyle: { color: PALETTE.residents, borderRadius: [3, 3, 0, 0] },
        data: items.map((c) => c.residents),
      },
      {
        type: 'bar',
        name: t('insights.elderlyAlone'),
        barMaxWidth: 28,
        itemStyle: { color: PALETTE.alone, borderRadius: [3, 3, 0, 0] },
        data: items.map((c) => c.elderlyAlone),
      },
      {
        type: 'line',
        name: t('insights.openCases'),
        yAxisIndex: 1,
        itemStyle: { color: PALETTE.open },
        data: items.map((c) => c.openCases),
      },
      {
        type: 'line',
        name: t('insights.overdueCases'),
        yAxisIndex: 1,
        itemStyle: { color: PALETTE.overdue },
        data: items.map((c) => c.overdueCases),
      },
    ],
  };
}

/**
 * Twelve months: cases received and resolved on the left axis; residents added and households visited
 * on the right, since a month of ledger import would otherwise flatten the case lines.
 */
export function trendOption(t: T, months: TrendMonth[], isDark = false): ChartOption {
  const line = (name: string, color: string, pick: (m: TrendMonth) => number, yAxisIndex: number, isArea = false) => ({
    type: 'line' as const,
    name,
    smooth: 0.3,
    symbolSize: 6,
    yAxisIndex,
    itemStyle: { color },
    ...(isArea ? { areaStyle: { opacity: 0.12 } } : {}),
    data: months.map(pick),
  });
  return {
    tooltip: { trigger: 'axis' },
    legend: { top: 0, textStyle: axisText(isDark) },
    grid: { left: 48, right: 56, top: 40, bottom: 28 },
    xAxis: { type: 'category', data: months.map((m) => m.month), axisLabel: axisText(isDark) },
    yAxis: [
      {
        type: 'value',
        name: t('insights.caseCount'),
        minInterval: 1,
        axisLabel: axisText(isDark),
        splitLine: { show: !isDark },
      },
      {
        type: 'value',
        name: t('insights.peopleOrHouseholds'),
        minInterval: 1,
        axisLabel: axisText(isDark),
        splitLine: { show: false },
      },
    ],
    series: [
      line(t('insights.casesReceived'), PALETTE.open, (m) => m.casesReceived, 0, true),
      line(t('insights.casesResolved'), PALETTE.resolved, (m) => m.casesResolved, 0),
      line(t('insights.residentsAdded'), PALETTE.added, (m) => m.residentsAdded, 1),
      line(t('insights.householdsVisited'), PALETTE.visits, (m) => m.householdsVisited, 1),
    ],
  };
}

type Picker = Pick<I18n, 'pick'>;
const named = (i18n: Picker, row: Labelled & { count: number }) => ({
  name: i18n.pick({ zh: row.label_zh, en: row.label_en }),
  value: row.count,
});

/** States with no case are left out, so the ring shows only what is there. */
export const caseStateRows = (i18n: Picker, cases: InsightCases) =>
  cases.byState.filter((s) => s.count > 0).map((s) => named(i18n, s));

export const caseLevelRows = (i18n: Picker, cases: InsightCases) => cases.byLevel.map((l) => named(i18n, l));

export const residenceRows = (i18n: Picker, population: InsightPopulation) =>
  population.byResidenceType.filter((r) => r.count > 0).map((r) => named(i18n, r));

export const careTagRows = (i18n: Picker, population: InsightPopulation) =>
  population.byCareTag.map((c) => named(i18n, c));

export const levelName = (t: T, level: string) => labelOf(t, LEVEL_LABEL, level);
export const levelColor = (level: string) => (LEVEL_COLOR as Partial<Record<string, string>>)[level] ?? 'default';

/** A share as a percentage with one decimal; "—" when there was nothing to count (app/figures.ts, as everywhere). */
export const formatShare = formatPercent;
