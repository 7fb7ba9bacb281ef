// One metric's chart card: chart.js line chart of every run (or every group's mean and band), zoom and pan,
// log scale, PNG and CSV export. Data comes decimated from the host; a zoom asks the host for that range again.
import {
  Chart, Filler, LinearScale, LineController, LineElement, LogarithmicScale, PointElement, Ticks, Tooltip,
  type ChartDataset, type Scale, type TooltipItem,
} from 'chart.js';
import type { BandWire, MetricChartWire, SeriesAppendWire, XAxisKind } from '../../src/protocol/compare';
import { appendPoints, formatValue, formatX, formatXLong, positivePoints, rangeAroundSingleX, wirePoints, withoutCrowdedEnd, type XY } from './chartData';
import { bandDatasets, inTooltip, runDatasets, type BandLines, type DatasetSpec, type RunLine } from './chartDatasets';
import { h, toolbarButton } from './dom';
import type { Theme } from './theme';
import { attachZoomPan } from './zoomPan';
import type { Range } from './zoomMath';

Chart.register(LineController, LineElement, PointElement, LinearScale, LogarithmicScale, Filler, Tooltip);

export interface ChartContext {
  theme(): Theme;
  xAxis(): XAxisKind;
  smoothing(): number;
  isLogScale(metric: string): boolean;
  hiddenRunIds(): ReadonlySet<string>;
  highlight(): string | null;
  /** Runs in display order, with their names and colours. */
  runs(): readonly { runId: string; name: string; color: string; dash?: number[] }[];
  groupColor(band: BandWire): string;
  zoomed(metric: string, range: Range | null): void;
  toggleLogScale(metric: string): void;
  exportPng(metric: string, canvas: HTMLCanvasElement): void;
  exportCsv(metric: string, range: Range | null): void;
  painted(metric: string, points: number): void;
}

type LineDataset = ChartDataset<'line', XY[]> & { role?: string; runId?: string; group?: string };

export class MetricChart {
  readonly card: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly status: HTMLElement;
  private readonly zoomBadge: HTMLElement;
  private readonly resetButton: HTMLElement;
  private readonly logButton: HTMLElement & { checked?: boolean };
  private chart?: Chart<'line', XY[]>;
  private lines = new Map<string, XY[]>();
  private bands: BandLines[] | null = null;
  private extent: Range | null = null;
  private range: Range | null = null;
  private painted = false;
  private detach?: () => void;
  /** The newest request for this chart: older answers are dropped. */
  latestRequestId = -1;
  requested = false;
  hasData = false;
  /** When the pending zoom was asked for (performance.now()), to time the host's answer. */
  zoomRequestedAt?: number;

  constructor(readonly metric: string, private readonly ctx: ChartContext) {
    this.canvas = h('canvas', { attrs: { role: 'img', 'aria-label': `Chart of ${metric} for the compared runs` }, data: { metric } });
    this.status = h('div', { class: 'chart-status', text: 'Loading…' });
    this.zoomBadge = h('span', { class: 'chart-badge', text: 'zoomed', attrs: { hidden: true } });
    this.resetButton = toolbarButton('zoom-out', 'Reset zoom (double-click the chart)', () => this.setRange(null, true), { action: 'reset-zoom' });
    this.resetButton.hidden = true;
    this.logButton = h('vscode-toolbar-button', { title: 'Logarithmic y axis', attrs: { toggleable: true, label: 'Logarithmic y axis' }, data: { action: 'log' } }, 'log');
    this.logButton.addEventListener('click', () => ctx.toggleLogScale(metric));
    const selection = h('div', { class: 'zoom-selection' });
    this.card = h('section', { class: 'chart-card', data: { metric }, attrs: { 'aria-label': metric } },
      h('header', { class: 'chart-header' },
        h('span', { class: 'chart-title', text: metric, title: metric }),
        this.zoomBadge,
        h('span', { class: 'spacer' }),
        this.resetButton,
        this.logButton,
        toolbarButton('device-camera', 'Export chart as PNG', () => ctx.exportPng(metric, this.canvas), { action: 'png' }),
        toolbarButton('export', 'Export chart data as CSV', () => ctx.exportCsv(metric, this.range), { action: 'csv' }),
      ),
      h('div', { class: 'chart-body' }, this.canvas, selection, this.status),
    );
    this.detach = attachZoomPan(this.canvas, selection, {
      chart: () => this.chart,
      fullRange: () => this.extent,
      visibleRange: () => this.visibleRange(),
      setRange: (range, settled) => this.setRange(range, settled),
    });
  }

  /** Data from the host (first load, zoom answer, new x axis, new grouping). */
  setData(wire: MetricChartWire): void {
    if (wire.requestId < this.latestRequestId) return;
    this.hasData = true;
    const zoomAsked = wire.requestId === this.latestRequestId ? this.zoomRequestedAt : undefined;
    this.zoomRequestedAt = undefined;
    this.extent = wire.extent ?? this.extent;
    this.range = wire.range;
    this.lines = new Map(wire.series.map((s) => [s.runId, wirePoints(s)]));
    this.bands = wire.bands ? wire.bands.map((b) => ({
      group: b.group, label: `${b.group} (${b.runIds.length} run${b.runIds.length === 1 ? '' : 's'})`, color: this.ctx.groupColor(b), runIds: b.runIds,
      mean: wirePoints({ x0: b.x0, xs: b.xs, ys: b.mean }), lo: wirePoints({ x0: b.x0, xs: b.xs, ys: b.lo }), hi: wirePoints({ x0: b.x0, xs: b.xs, ys: b.hi }),
    })) : null;
    this.render();
    // Zoom to redrawn with the host's re-decimated range (the benchmark reads it).
    if (zoomAsked !== undefined) this.card.dataset.zoomMs = (performance.now() - zoomAsked).toFixed(1);
  }

  /** Live points of a running run. */
  append(update: SeriesAppendWire): void {
    if (!this.hasData) return;
    const added = wirePoints(update.series);
    const current = this.lines.get(update.runId);
    this.lines.set(update.runId, update.replace || !current ? added : appendPoints(current, added));
    if (!this.range) this.extent = extentOfLines(this.lines) ?? this.extent;
    this.render();
  }

  /** Re-applies the view (smoothing, highlight, hidden runs, theme) without new data. */
  restyle(): void {
    if (this.hasData) this.render();
  }

  destroy(): void {
    this.detach?.();
    this.chart?.destroy();
    this.chart = undefined;
  }

  private render(): void {
    const log = this.ctx.isLogScale(this.metric);
    const specs = this.datasetSpecs(log);
    const points = specs.reduce((n, s) => n + s.data.length, 0);
    this.status.textContent = points === 0 ? (this.lines.size === 0 ? 'No run logged this metric.' : 'No points in this range.') : '';
    this.status.hidden = points > 0;
    this.zoomBadge.hidden = this.range === null;
    this.resetButton.hidden = this.range === null;
    this.logButton.checked = log;
    this.canvas.dataset.highlight = this.ctx.highlight() ?? '';
    this.canvas.dataset.xAxis = this.ctx.xAxis();
    this.canvas.dataset.grouped = String(this.bands !== null);
    this.canvas.dataset.datasets = String(specs.filter((s) => !s.hidden && s.role !== 'lo' && s.role !== 'hi').length);
    const datasets = specs.map(toChartDataset);
    if (!this.chart) {
      this.chart = new Chart(this.canvas, { type: 'line', data: { datasets }, options: this.options(log) });
    } else {
      this.chart.data.datasets = datasets;
      this.chart.options = this.options(log);
      this.chart.update('none');
    }
    if (!this.painted && points > 0) {
      this.painted = true;
      this.ctx.painted(this.metric, points);
    }
  }

  private datasetSpecs(logScale: boolean): DatasetSpec[] {
    const opts = { smoothing: this.ctx.smoothing(), logScale, hiddenRunIds: this.ctx.hiddenRunIds(), highlight: this.ctx.highlight() };
    if (this.bands) {
      const bands = logScale ? this.bands.map((b) => ({ ...b, mean: positivePoints(b.mean), lo: positivePoints(b.lo), hi: positivePoints(b.hi) })) : this.bands;
      return bandDatasets(bands, opts);
    }
    const lines: RunLine[] = [];
    for (const run of this.ctx.runs()) {
      const points = this.lines.get(run.runId);
      if (points) lines.push({ runId: run.runId, name: run.name, color: run.color, dash: run.dash, points: logScale ? positivePoints(points) : points });
    }
    return runDatasets(lines, opts);
  }

  private options(logScale: boolean) {
    const t = this.ctx.theme();
    const axis = this.ctx.xAxis();
    const smoothing = this.ctx.smoothing();
    const font = { family: t.fontFamily, size: Math.max(10, t.fontSize - 2) };
    const xRange = this.range ?? this.extent ?? rangeAroundSingleX(this.lines.values(), axis);
    return {
      parsing: false as const, normalized: true, animation: false as const, responsive: true, maintainAspectRatio: false,
      spanGaps: false, indexAxis: 'x' as const,
      interaction: { mode: 'nearest' as const, axis: 'x' as const, intersect: false },
      elements: { line: { tension: 0 }, point: { hitRadius: 6, hoverRadius: 4 } },
      layout: { padding: { right: 8 } },
      scales: {
        x: {
          type: 'linear' as const, bounds: 'data' as const, min: xRange?.[0], max: xRange?.[1],
          afterBuildTicks: (scale: Scale) => {
            scale.ticks = withoutCrowdedEnd(scale.ticks);
          },
          ticks: {
            // Steps are whole numbers: no "0.5" ticks when every run logged at the same step.
            color: t.muted, font, maxRotation: 0, autoSkipPadding: 16, includeBounds: false, precision: axis === 'step' ? 0 : undefined,
            callback(this: Scale, value: number | string) {
              return formatX(Number(value), axis, (this.max - this.min) || 1);
            },
          },
          grid: { color: t.grid }, border: { color: t.axis },
        },
        y: {
          type: logScale ? ('logarithmic' as const) : ('linear' as const),
          ticks: {
            color: t.muted, font,
            callback(this: Scale, value: number | string, index: number, ticks: { value: number }[]) {
              // The log axis keeps its own choice of labelled ticks (1, 2, 5 x 10^n), in our number format.
              if (logScale && Ticks.formatters.logarithmic.call(this, Number(value), index, ticks as never) === '') return '';
              return formatValue(Number(value));
            },
          },
          grid: { color: t.grid }, border: { color: t.axis },
        },
      },
      plugins: {
        tooltip: {
          enabled: true, backgroundColor: t.hoverBackground, titleColor: t.hoverForeground, bodyColor: t.hoverForeground,
          borderColor: t.hoverBorder, borderWidth: 1, cornerRadius: 3, padding: 8, boxWidth: 8, boxHeight: 8, boxPadding: 4,
          titleFont: { ...font, weight: 'bold' as const }, bodyFont: font,
          filter: (item: TooltipItem<'line'>) => inTooltip(((item.dataset as LineDataset).role ?? 'raw') as never, smoothing),
          itemSort: (a: TooltipItem<'line'>, b: TooltipItem<'line'>) => (b.parsed.y ?? 0) - (a.parsed.y ?? 0),
          callbacks: {
            title: (items: TooltipItem<'line'>[]) => (items.length ? formatXLong(items[0].parsed.x ?? 0, axis) : ''),
            label: (item: TooltipItem<'line'>) => ` ${item.dataset.label ?? ''}: ${formatValue(item.parsed.y ?? NaN)}`,
            labelColor: (item: TooltipItem<'line'>) => {
              const c = String((item.dataset as LineDataset).borderColor);
              return { borderColor: c, backgroundColor: c, borderWidth: 0 };
            },
          },
        },
      },
    };
  }

  private visibleRange(): Range | null {
    const x = this.chart?.scales.x;
    return x && x.max > x.min ? [x.min, x.max] : null;
  }

  /** Shows a range at once with the data at hand; a settled range asks the host for it at full detail. */
  private setRange(range: Range | null, settled: boolean): void {
    if (!this.chart) return;
    const target = range ?? this.extent;
    const scale = this.chart.options.scales?.x;
    if (scale) {
      scale.min = target?.[0];
      scale.max = target?.[1];
    }
    this.chart.update('none');
    if (!settled) return;
    this.range = range;
    this.zoomBadge.hidden = range === null;
    this.resetButton.hidden = range === null;
    this.ctx.zoomed(this.metric, range);
  }
}

function toChartDataset(spec: DatasetSpec): LineDataset {
  return {
    type: 'line', label: spec.label, data: spec.data, role: spec.role, runId: spec.runId, group: spec.group,
    borderColor: spec.borderColor, backgroundColor: spec.backgroundColor, borderWidth: spec.borderWidth, borderDash: spec.borderDash,
    pointRadius: spec.pointRadius, pointHoverRadius: spec.pointRadius > 0 ? spec.pointRadius + 1 : 3,
    fill: spec.fill, hidden: spec.hidden, order: spec.order, spanGaps: false,
  };
}

function extentOfLines(lines: Map<string, XY[]>): Range | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const points of lines.values()) {
    if (points.length === 0) continue;
    lo = Math.min(lo, points[0].x);
    hi = Math.max(hi, points[points.length - 1].x);
  }
  return hi > lo ? [lo, hi] : null;
}
