import type uPlot from 'uplot';

/** Axis colours of every uPlot chart, matching the app's dark theme. */
export const CHART_AXIS = { stroke: '#9aa5b1', grid: { stroke: '#2a323c' } } as const;

/** The same on paper (the printed report): dark text, light grid. */
export const PAPER_AXIS = { stroke: '#444c56', grid: { stroke: '#d8dde3' } } as const;

export type ChartAxis = typeof CHART_AXIS | typeof PAPER_AXIS;

/**
 * Keeps a chart as wide as its container. `chart` is read on every resize because components
 * rebuild their chart when its data or mode change. Returns the cleanup for `onMount`: it stops
 * following and destroys the chart.
 */
export function fitChartWidth(container: HTMLElement, chart: () => uPlot | undefined): () => void {
  const resize = new ResizeObserver(() => {
    const current = chart();
    current?.setSize({ width: container.clientWidth, height: current.height });
  });
  resize.observe(container);
  return () => {
    resize.disconnect();
    chart()?.destroy();
  };
}
