// Zoom and pan on a chart's x axis, written small instead of chartjs-plugin-zoom (which pulls in the unmaintained
// hammerjs): drag to select a range, Shift+drag to pan, Ctrl/Cmd+wheel to zoom at the pointer, double-click to reset.
import type { Chart } from 'chart.js';
import { panBy, pixelsToData, rangeFromPixels, zoomAround, type Range } from './zoomMath';

export interface ZoomPanHost {
  chart(): Chart | undefined;
  /** The whole x extent of the data (zoom and pan stay inside it). */
  fullRange(): Range | null;
  /** The visible x range now. */
  visibleRange(): Range | null;
  /** Show `range` (null: everything) at once; `settled` false while a pan or wheel is still moving. */
  setRange(range: Range | null, settled: boolean): void;
}

const MIN_DRAG_PX = 6;

export function attachZoomPan(canvas: HTMLCanvasElement, overlay: HTMLElement, host: ZoomPanHost): () => void {
  let drag: { mode: 'select' | 'pan'; startX: number; lastX: number; startRange: Range } | undefined;
  let wheelTimer: number | undefined;

  const area = () => host.chart()?.chartArea;
  const localX = (e: MouseEvent) => e.clientX - canvas.getBoundingClientRect().left;

  const showSelection = (a: number, b: number) => {
    const ca = area();
    if (!ca) return;
    const lo = Math.max(ca.left, Math.min(a, b));
    const hi = Math.min(ca.right, Math.max(a, b));
    overlay.style.left = `${lo}px`;
    overlay.style.width = `${Math.max(0, hi - lo)}px`;
    overlay.style.top = `${ca.top}px`;
    overlay.style.height = `${ca.bottom - ca.top}px`;
    overlay.classList.add('visible');
  };

  const onDown = (e: MouseEvent) => {
    const ca = area();
    const range = host.visibleRange();
    if (e.button !== 0 || !ca || !range) return;
    const x = localX(e);
    const y = e.clientY - canvas.getBoundingClientRect().top;
    if (x < ca.left || x > ca.right || y < ca.top || y > ca.bottom) return;
    drag = { mode: e.shiftKey ? 'pan' : 'select', startX: x, lastX: x, startRange: range };
    canvas.classList.toggle('panning', drag.mode === 'pan');
    e.preventDefault();
    window.addEventListener('mousemove', onMove);
    window.addEventListener('mouseup', onUp);
  };

  const onMove = (e: MouseEvent) => {
    if (!drag) return;
    const x = localX(e);
    drag.lastX = x;
    if (drag.mode === 'select') {
      showSelection(drag.startX, x);
      return;
    }
    const ca = area();
    const full = host.fullRange();
    if (!ca || !full) return;
    const delta = pixelsToData(x - drag.startX, ca.right - ca.left, drag.startRange);
    host.setRange(panBy(drag.startRange, delta, full), false);
  };

  const onUp = () => {
    window.removeEventListener('mousemove', onMove);
    window.removeEventListener('mouseup', onUp);
    overlay.classList.remove('visible');
    canvas.classList.remove('panning');
    const d = drag;
    drag = undefined;
    if (!d) return;
    const ca = area();
    if (!ca) return;
    if (d.mode === 'pan') {
      const now = host.visibleRange();
      if (Math.abs(d.lastX - d.startX) >= 1 && now) host.setRange(now, true);
      return;
    }
    if (Math.abs(d.lastX - d.startX) < MIN_DRAG_PX) return;
    const range = rangeFromPixels(d.startX, d.lastX, ca.left, ca.right, d.startRange);
    if (range) host.setRange(range, true);
  };

  const onWheel = (e: WheelEvent) => {
    // Plain wheel scrolls the page of charts; Ctrl/Cmd+wheel zooms the chart under the pointer.
    if (!(e.ctrlKey || e.metaKey)) return;
    const ca = area();
    const range = host.visibleRange();
    const full = host.fullRange();
    if (!ca || !range || !full) return;
    e.preventDefault();
    const x = localX(e);
    const at = range[0] + ((Math.min(ca.right, Math.max(ca.left, x)) - ca.left) / (ca.right - ca.left)) * (range[1] - range[0]);
    const next = zoomAround(range, at, e.deltaY > 0 ? 1.25 : 0.8, full);
    host.setRange(next, false);
    window.clearTimeout(wheelTimer);
    wheelTimer = window.setTimeout(() => host.setRange(host.visibleRange() && next ? next : null, true), 150);
  };

  const onDblClick = () => host.setRange(null, true);

  canvas.addEventListener('mousedown', onDown);
  canvas.addEventListener('wheel', onWheel, { passive: false });
  canvas.addEventListener('dblclick', onDblClick);
  return () => {
    canvas.removeEventListener('mousedown', onDown);
    canvas.removeEventListener('wheel', onWheel);
    canvas.removeEventListener('dblclick', onDblClick);
    window.removeEventListener('mousemove', onMove);
    window.removeEventListener('mouseup', onUp);
    window.clearTimeout(wheelTimer);
  };
}
