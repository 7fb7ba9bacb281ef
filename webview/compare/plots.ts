// The "Param plots" tab: a param (numeric or categorical) against a metric's latest value as a scatter, and
// parallel coordinates over chosen params and metrics (drawn on a canvas: a few polylines need no library).
import { Chart, LinearScale, PointElement, ScatterController, Tooltip, type Scale, type TooltipItem } from 'chart.js';
import type { ParallelWire, ScatterWire } from '../../src/protocol/compare';
import { withAlpha } from './colors';
import { formatValue } from './chartData';
import { FADED_ALPHA } from './chartDatasets';
import { h } from './dom';
import { axisCaption, axisTicks, axisXs, lineSegments, valueY, type Box } from './parallelLayout';
import type { Theme } from './theme';

Chart.register(ScatterController, PointElement, LinearScale, Tooltip);

export interface PlotRun {
  runId: string;
  name: string;
  color: string;
}

export interface PlotsContext {
  theme(): Theme;
  runs(): readonly PlotRun[];
  hiddenRunIds(): ReadonlySet<string>;
  highlight(): string | null;
}

type PointDataset = { label: string; data: { x: number; y: number }[]; runId: string; backgroundColor: string; borderColor: string; pointRadius: number; pointHoverRadius: number; hidden: boolean };

export class ScatterPlot {
  readonly canvas: HTMLCanvasElement;
  private chart?: Chart<'scatter'>;
  private wire?: ScatterWire;

  constructor(private readonly ctx: PlotsContext) {
    this.canvas = h('canvas', { attrs: { role: 'img', 'aria-label': 'Param against metric' }, data: { plot: 'scatter' } });
  }

  set(wire: ScatterWire): void {
    this.wire = wire;
    this.render();
  }

  render(): void {
    const wire = this.wire;
    if (!wire) return;
    const t = this.ctx.theme();
    const hidden = this.ctx.hiddenRunIds();
    const highlight = this.ctx.highlight();
    const byRun = new Map(wire.points.map((p) => [p.runId, p]));
    const datasets: PointDataset[] = [];
    for (const run of this.ctx.runs()) {
      const p = byRun.get(run.runId);
      if (!p) continue;
      const lit = highlight === null || highlight === run.runId;
      const color = lit ? run.color : withAlpha(run.color, FADED_ALPHA * 2);
      datasets.push({ label: run.name, runId: run.runId, data: [{ x: p.x, y: p.y }], backgroundColor: color, borderColor: color,
        pointRadius: highlight === run.runId ? 7 : 5, pointHoverRadius: 8, hidden: hidden.has(run.runId) });
    }
    const categories = wire.categories;
    const font = { family: t.fontFamily, size: Math.max(10, t.fontSize - 2) };
    const options = {
      parsing: false as const, animation: false as const, responsive: true, maintainAspectRatio: false,
      scales: {
        x: {
          type: 'linear' as const,
          min: categories ? -0.5 : undefined, max: categories ? categories.length - 0.5 : undefined,
          grace: categories ? undefined : '5%',
          title: { display: true, text: `params.${wire.param}`, color: t.muted, font },
          ticks: {
            color: t.muted, font, stepSize: categories ? 1 : undefined, autoSkip: !categories,
            callback(this: Scale, v: number | string) {
              const n = Number(v);
              if (!categories) return formatValue(n);
              return Number.isInteger(n) && categories[n] !== undefined ? categories[n] : '';
            },
          },
          grid: { color: t.grid }, border: { color: t.axis },
        },
        y: {
          type: 'linear' as const, grace: '5%',
          title: { display: true, text: `metrics.${wire.metric}`, color: t.muted, font },
          ticks: { color: t.muted, font, callback: (v: number | string) => formatValue(Number(v)) },
          grid: { color: t.grid }, border: { color: t.axis },
        },
      },
      plugins: {
        tooltip: {
          backgroundColor: t.hoverBackground, titleColor: t.hoverForeground, bodyColor: t.hoverForeground, borderColor: t.hoverBorder, borderWidth: 1,
          titleFont: font, bodyFont: font,
          callbacks: {
            title: (items: TooltipItem<'scatter'>[]) => items.map((i) => i.dataset.label ?? '').join(', '),
            label: (item: TooltipItem<'scatter'>) => {
              const x = item.parsed.x ?? NaN;
              return ` ${wire.param} = ${categories ? categories[x] ?? '' : formatValue(x)}, ${wire.metric} = ${formatValue(item.parsed.y ?? NaN)}`;
            },
          },
        },
      },
    };
    this.canvas.dataset.points = String(datasets.filter((d) => !d.hidden).length);
    if (!this.chart) {
      this.chart = new Chart(this.canvas, { type: 'scatter', data: { datasets }, options });
    } else {
      this.chart.data.datasets = datasets;
      this.chart.options = options;
      this.chart.update('none');
    }
  }
}

export class ParallelCoordinates {
  readonly canvas: HTMLCanvasElement;
  private wire?: ParallelWire;
  private readonly resize = new ResizeObserver(() => this.render());

  constructor(private readonly ctx: PlotsContext) {
    this.canvas = h('canvas', { attrs: { role: 'img', 'aria-label': 'Parallel coordinates of params and metrics' }, data: { plot: 'parallel' } });
    this.resize.observe(this.canvas);
  }

  set(wire: ParallelWire): void {
    this.wire = wire;
    this.render();
  }

  render(): void {
    const wire = this.wire;
    const canvas = this.canvas;
    const cssWidth = canvas.clientWidth;
    const cssHeight = canvas.clientHeight;
    if (!wire || cssWidth === 0 || cssHeight === 0) return;
    const dpr = window.devicePixelRatio || 1;
    if (canvas.width !== Math.round(cssWidth * dpr) || canvas.height !== Math.round(cssHeight * dpr)) {
      canvas.width = Math.round(cssWidth * dpr);
      canvas.height = Math.round(cssHeight * dpr);
    }
    const g = canvas.getContext('2d');
    if (!g) return;
    const t = this.ctx.theme();
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, cssWidth, cssHeight);
    const box: Box = { left: 70, top: 44, width: Math.max(10, cssWidth - 140), height: Math.max(10, cssHeight - 72) };
    const xs = axisXs(wire.axes.length, box);
    const runs = new Map(this.ctx.runs().map((r) => [r.runId, r]));
    const hidden = this.ctx.hiddenRunIds();
    const highlight = this.ctx.highlight();
    // Faded lines first, the highlighted one last so it is on top.
    const lines = wire.lines.filter((l) => runs.has(l.runId) && !hidden.has(l.runId))
      .sort((a, b) => Number(a.runId === highlight) - Number(b.runId === highlight));
    let drawn = 0;
    for (const line of lines) {
      const run = runs.get(line.runId) as PlotRun;
      const lit = highlight === null || highlight === line.runId;
      g.strokeStyle = lit ? run.color : withAlpha(run.color, FADED_ALPHA);
      g.lineWidth = highlight === line.runId ? 3 : 1.5;
      for (const segment of lineSegments(line.values)) {
        g.beginPath();
        segment.forEach((axisIndex, k) => {
          const y = valueY(wire.axes[axisIndex], line.values[axisIndex] as number, box);
          if (k === 0) g.moveTo(xs[axisIndex], y);
          else g.lineTo(xs[axisIndex], y);
        });
        if (segment.length === 1) g.arc(xs[segment[0]], valueY(wire.axes[segment[0]], line.values[segment[0]] as number, box), 2.5, 0, Math.PI * 2);
        g.stroke();
      }
      drawn++;
    }
    canvas.dataset.lines = String(drawn);
    // Axes on top of the lines, labels from the logs drawn as canvas text (never markup).
    const fontSize = Math.max(10, t.fontSize - 2);
    g.lineWidth = 1;
    wire.axes.forEach((axis, i) => {
      const x = xs[i];
      g.strokeStyle = t.axis;
      g.beginPath();
      g.moveTo(x, box.top);
      g.lineTo(x, box.top + box.height);
      g.stroke();
      const caption = axisCaption(axis.key);
      g.textAlign = 'center';
      g.fillStyle = t.muted;
      g.font = `${fontSize - 1}px ${t.fontFamily}`;
      g.fillText(caption.section, x, box.top - 24, 130);
      g.fillStyle = t.foreground;
      g.font = `600 ${fontSize}px ${t.fontFamily}`;
      g.fillText(caption.name, x, box.top - 10, 130);
      g.font = `${fontSize - 1}px ${t.fontFamily}`;
      g.textAlign = i === wire.axes.length - 1 && wire.axes.length > 1 ? 'left' : 'right';
      const dx = g.textAlign === 'left' ? 6 : -6;
      for (const tick of axisTicks(axis, formatValue)) {
        const y = valueY(axis, tick.value, box);
        g.fillStyle = t.muted;
        g.fillText(tick.label, x + dx, y + 4, 62);
        g.strokeStyle = t.axis;
        g.beginPath();
        g.moveTo(x - 3, y);
        g.lineTo(x + 3, y);
        g.stroke();
      }
    });
  }
}
