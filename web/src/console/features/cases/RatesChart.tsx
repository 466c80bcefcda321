import { BarChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import type { Rates } from '../../../api/types';
import { percentOf } from '../../../shared/figures';
import { useI18n } from '../../app/i18n';
import { prefersReducedMotion } from '../../../shared/motion';

echarts.use([BarChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export const RATE_COLORS = { response: '#1677ff', resolution: '#52c41a', satisfaction: '#fa8c16' } as const;

const percent = percentOf;

/** The three rates side by side for each row (child units or items); a missing rate draws no bar. */
export function RatesChart({ rows, height = 320 }: { rows: { name: string; rates: Rates }[]; height?: number }) {
  const { t, lang } = useI18n();
  const containerRef = useRef<HTMLDivElement>(null);
  const chartRef = useRef<echarts.ECharts | null>(null);

  useEffect(() => {
    const container = containerRef.current;
    if (container === null) return undefined;
    const chart = echarts.init(container);
    const resize = new ResizeObserver(() => chart.resize());
    resize.observe(container);
    chartRef.current = chart;
    return () => {
      resize.disconnect();
      chart.dispose();
      chartRef.current = null;
    };
  }, []);

  useEffect(() => {
    const series = (
      [
        ['response', t('rates.response'), (r: Rates) => r.responseRate],
        ['resolution', t('rates.resolution'), (r: Rates) => r.resolutionRate],
        ['satisfaction', t('rates.satisfaction'), (r: Rates) => r.satisfactionRate],
      ] as const
    ).map(([key, name, pick]) => ({
      type: 'bar' as const,
      name,
      barMaxWidth: 22,
      itemStyle: { color: RATE_COLORS[key], borderRadius: [3, 3, 0, 0] },
      data: rows.map((row) => percent(pick(row.rates))),
    }));
    chartRef.current?.setOption(
      {
        animation: !prefersReducedMotion,
        textStyle: { fontFamily: 'inherit' },
        grid: { left: 48, right: 16, top: 40, bottom: 56 },
        legend: { top: 4 },
        tooltip: {
          trigger: 'axis',
          axisPointer: { type: 'shadow' },
          valueFormatter: (v: unknown) => (typeof v === 'number' ? `${v}%` : '—'),
        },
        xAxis: {
          type: 'category',
          data: rows.map((row) => row.name),
          axisLabel: { interval: 0, rotate: rows.length > 6 ? 30 : 0, width: 96, overflow: 'truncate' },
        },
        yAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
        series,
      },
      { notMerge: true },
    );
  }, [rows, t, lang]);

  return <div ref={containerRef} style={{ height, width: '100%' }} data-testid="rates-chart" />;
}
