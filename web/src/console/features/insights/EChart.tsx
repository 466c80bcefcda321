import { BarChart, LineChart, PieChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TitleComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import { prefersReducedMotion } from '../../../shared/motion';

echarts.use([
  BarChart,
  LineChart,
  PieChart,
  GridComponent,
  LegendComponent,
  TitleComponent,
  TooltipComponent,
  CanvasRenderer,
]);

export type ChartOption = echarts.EChartsCoreOption;

interface EChartProps {
  option: ChartOption;
  height?: number | string;
  /** 'dark' on the big screen */
  theme?: 'dark';
  /** a click on a bar, slice or point, with its category name and data index */
  onPick?: (pick: { name: string; dataIndex: number }) => void;
  'data-testid'?: string;
}

/**
 * One ECharts chart that follows its container's size. The option is replaced on each change
 * (notMerge), so a panel refreshed every few seconds never keeps a stale series.
 */
export function EChart({ option, height = 300, theme, onPick, ...rest }: EChartProps) {
  const containerRef = useRef<HTMLDivElement>(null);
  const chartRef = useRef<echarts.ECharts | null>(null);
  const pickRef = useRef(onPick);
  useEffect(() => {
    pickRef.current = onPick;
  }, [onPick]);

  useEffect(() => {
    const container = containerRef.current;
    if (container === null) return undefined;
    const chart = echarts.init(container, theme);
    chart.on('click', (event) => {
      pickRef.current?.({ name: String(event.name), dataIndex: event.dataIndex });
    });
    const resize = new ResizeObserver(() => chart.resize());
    resize.observe(container);
    chartRef.current = chart;
    return () => {
      resize.disconnect();
      chart.dispose();
      chartRef.current = null;
    };
  }, [theme]);

  useEffect(() => {
    chartRef.current?.setOption(
      {
        animation: !prefersReducedMotion,
        textStyle: { fontFamily: 'inherit' },
        ...(theme === 'dark' ? { backgroundColor: 'transparent' } : {}),
        ...option,
      },
      { notMerge: true },
    );
  }, [option, theme]);

  return (
    <div
      ref={containerRef}
      style={{ height, width: '100%', cursor: onPick === undefined ? undefined : 'pointer' }}
      data-testid={rest['data-testid']}
    />
  );
}
