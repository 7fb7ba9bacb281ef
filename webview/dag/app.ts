// The DAG panel's page: a toolbar (summary, legend, run/cancel, zoom) over an SVG drawing of the stage graph.
// Everything is built with DOM calls (the CSP enforces Trusted Types); text from dvc.yaml only ever goes into
// textContent and attributes. The host pushes the graph; the page keeps only its zoom.
import { STAGE_STATE_LABELS, type DagGraphWire, type DagNodeWire, type FromWebview, type ToWebview } from '../../src/protocol/dag';
import { fitText, fitZoom, graphSummary, legendEntries, nodeTooltip, stepZoom, structureKey } from './graphView';
import { DEFAULT_LAYOUT, edgePath, layoutGraph, type GraphLayout } from './layout';

const SVG_NS = 'http://www.w3.org/2000/svg';
const NODE = { width: 240, height: 56 };
const ICONS: Record<DagNodeWire['state'], string> = {
  upToDate: 'pass-filled',
  changed: 'circle-filled',
  neverRun: 'circle-large-outline',
  frozen: 'lock',
  error: 'error',
  checking: 'loading',
  queued: 'clock',
  running: 'sync',
  failed: 'error',
};

export interface DagHost {
  post(message: FromWebview): void;
  getState(): unknown;
  setState(state: unknown): void;
}

interface SavedState {
  zoom: number | 'fit';
}

type Attrs = Record<string, string | number>;

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: (Node | null)[]): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children) if (c) el.appendChild(c);
  return el;
}

function html<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (cls) el.className = cls;
  if (text !== undefined) el.textContent = text;
  return el;
}

function codicon(name: string): HTMLElement {
  const el = html('span', `codicon codicon-${name}`);
  el.setAttribute('aria-hidden', 'true');
  return el;
}

export class DagApp {
  private graph: DagGraphWire | undefined;
  private canRun = false;
  private running = false;
  private layout: GraphLayout | undefined;
  private layoutKey: string | undefined;
  private zoom: number | 'fit' = 'fit';
  private cspViolations = 0;
  private readonly glyphs = new Map<string, string>();
  private readonly summary = html('span', 'summary');
  private readonly legend = html('div', 'legend');
  private readonly notice = html('div', 'notice');
  private readonly canvas = html('div', 'canvas');
  private readonly empty = html('div', 'empty');
  private readonly runAll = document.createElement('vscode-button');
  private readonly cancel = document.createElement('vscode-button');
  private readonly zoomLabel = html('span', 'zoom-label');
  private drawing: SVGSVGElement | undefined;

  constructor(private readonly host: DagHost, private readonly mount: HTMLElement) {
    const saved = host.getState() as SavedState | undefined;
    if (saved && (saved.zoom === 'fit' || (typeof saved.zoom === 'number' && saved.zoom > 0 && saved.zoom <= 4))) this.zoom = saved.zoom;
  }

  start(): void {
    document.addEventListener('securitypolicyviolation', (e) => {
      this.cspViolations++;
      document.body.dataset.cspViolations = String(this.cspViolations);
      this.host.post({ type: 'cspViolation', directive: e.violatedDirective, blockedUri: e.blockedURI });
    });
    window.addEventListener('error', (e) => this.host.post({ type: 'error', message: String(e.message ?? e.error) }));
    document.body.dataset.cspViolations = '0';
    this.buildChrome();
    window.addEventListener('resize', () => {
      if (this.zoom === 'fit') this.applyZoom();
    });
    this.host.post({ type: 'ready' });
  }

  onMessage(m: ToWebview): void {
    switch (m.type) {
      case 'graph':
        this.graph = m.graph;
        this.canRun = m.canRun;
        this.running = m.running;
        this.render(m.notice);
        break;
    }
  }

  private buildChrome(): void {
    const toolbar = html('header', 'toolbar');
    const title = html('div', 'title');
    title.append(codicon('type-hierarchy-sub'), html('span', 'title-text', 'Pipeline'), this.summary);
    this.runAll.setAttribute('icon', 'run-all');
    this.runAll.dataset.action = 'run-all';
    this.runAll.textContent = 'Run Changed Stages';
    this.runAll.addEventListener('click', () => {
      if (!this.runAll.hasAttribute('disabled')) this.host.post({ type: 'runAll' });
    });
    this.cancel.setAttribute('icon', 'debug-stop');
    this.cancel.setAttribute('secondary', '');
    this.cancel.dataset.action = 'cancel';
    this.cancel.textContent = 'Cancel Run';
    this.cancel.addEventListener('click', () => this.host.post({ type: 'cancelRun' }));
    const tools = html('div', 'tools');
    tools.append(
      this.toolButton('zoom-out', 'Zoom out', () => this.setZoom(stepZoom(this.currentZoom(), -1))),
      this.zoomLabel,
      this.toolButton('zoom-in', 'Zoom in', () => this.setZoom(stepZoom(this.currentZoom(), 1))),
      this.toolButton('screen-full', 'Fit to window', () => this.setZoom('fit')),
      this.toolButton('refresh', 'Refresh status', () => this.host.post({ type: 'refresh' })),
    );
    const actions = html('div', 'actions');
    actions.append(this.cancel, this.runAll, tools);
    toolbar.append(title, this.legend, actions);
    this.notice.hidden = true;
    this.notice.setAttribute('role', 'status');
    this.empty.hidden = true;
    this.canvas.addEventListener('wheel', (e) => {
      if (!e.ctrlKey && !e.metaKey) return;
      e.preventDefault();
      this.setZoom(stepZoom(this.currentZoom(), e.deltaY < 0 ? 1 : -1));
    }, { passive: false });
    this.mount.append(toolbar, this.notice, this.canvas, this.empty);
  }

  private toolButton(icon: string, label: string, onClick: () => void): HTMLElement {
    const b = document.createElement('vscode-toolbar-button');
    b.setAttribute('icon', icon);
    b.setAttribute('label', label);
    b.title = label;
    b.dataset.action = icon;
    b.addEventListener('click', onClick);
    return b;
  }

  private render(notice: string | undefined): void {
    const graph = this.graph;
    if (!graph) return;
    this.summary.textContent = graphSummary(graph);
    this.renderLegend(graph);
    const restricted = !this.canRun ? 'Restricted Mode: running a stage executes workspace code, so it is off until you trust this workspace.' : undefined;
    const text = [notice, restricted].filter(Boolean).join('  ');
    this.notice.hidden = !text;
    this.notice.textContent = text;
    this.notice.classList.toggle('warning', !!notice && graph.nodes.length > 0);
    const toRun = graph.nodes.some((n) => n.state === 'changed' || n.state === 'neverRun' || n.state === 'failed');
    toggleAttr(this.runAll, 'disabled', !this.canRun || this.running);
    this.runAll.title = !this.canRun ? 'Running stages needs a trusted workspace' : toRun ? 'Run every changed stage in order (dvc repro)' : 'Every stage is up to date; running checks again (dvc repro)';
    this.cancel.hidden = !this.running;
    this.empty.hidden = graph.nodes.length > 0;
    this.canvas.hidden = graph.nodes.length === 0;
    this.empty.textContent = graph.nodes.length === 0 ? 'No pipeline stages to draw.' : '';

    const key = structureKey(graph);
    if (key !== this.layoutKey) {
      this.layout = layoutGraph(graph.nodes.length, graph.edges, { ...DEFAULT_LAYOUT, nodeWidth: NODE.width, nodeHeight: NODE.height });
      this.layoutKey = key;
    }
    const focused = (document.activeElement as Element | null)?.closest?.('[data-id]')?.getAttribute('data-id');
    const focusedPart = (document.activeElement as Element | null)?.getAttribute?.('data-part');
    this.draw(graph, this.layout!);
    if (focused) {
      const again = this.drawing?.querySelector(`[data-id="${CSS.escape(focused)}"]${focusedPart ? ` [data-part="${focusedPart}"]` : ''}`) as SVGElement | null;
      again?.focus();
    }
    document.body.dataset.nodes = String(graph.nodes.length);
    document.body.dataset.edges = String(graph.edges.length);
    document.body.dataset.firstPaint = 'done';
    this.host.post({ type: 'rendered', nodes: graph.nodes.length, edges: graph.edges.length });
  }

  private renderLegend(graph: DagGraphWire): void {
    this.legend.replaceChildren(...legendEntries(graph).map((e) => {
      const chip = html('span', `chip state-${e.state}`);
      chip.append(html('span', 'dot'), html('span', 'chip-label', e.label), html('span', 'chip-count', String(e.count)));
      return chip;
    }));
  }

  private draw(graph: DagGraphWire, layout: GraphLayout): void {
    const root = svg('svg', { class: 'graph', role: 'group', 'aria-label': `Pipeline graph: ${graph.nodes.length} stages`, viewBox: `0 0 ${layout.width} ${layout.height}` });
    const defs = svg('defs');
    for (const id of ['arrow', 'arrow-hl']) {
      defs.appendChild(svg('marker', { id, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse', class: id }, svg('path', { d: 'M0,1 L9,5 L0,9 z' })));
    }
    defs.appendChild(svg('clipPath', { id: 'node-clip', clipPathUnits: 'userSpaceOnUse' }, svg('rect', { width: NODE.width, height: NODE.height, rx: 6 })));
    root.appendChild(defs);

    const edgeLayer = svg('g', { class: 'edges' });
    layout.edges.forEach((e) => {
      const cyclic = graph.cyclic.includes(e.from) && graph.cyclic.includes(e.to);
      edgeLayer.appendChild(svg('path', { class: `edge${e.reversed || cyclic ? ' cyclic' : ''}`, d: edgePath(e.points), 'marker-end': 'url(#arrow)', 'data-from': e.from, 'data-to': e.to }));
    });
    root.appendChild(edgeLayer);

    const nodeLayer = svg('g', { class: 'nodes' });
    graph.nodes.forEach((node, i) => nodeLayer.appendChild(this.drawNode(node, i, layout.nodes[i], graph.cyclic.includes(i))));
    root.appendChild(nodeLayer);

    if (this.drawing) this.drawing.replaceWith(root);
    else this.canvas.appendChild(root);
    this.drawing = root;
    this.fitTexts(root);
    this.applyZoom();
  }

  private drawNode(node: DagNodeWire, index: number, box: { x: number; y: number }, cyclic: boolean): SVGGElement {
    const busy = this.running;
    const g = svg('g', {
      class: `node state-${node.state}${cyclic ? ' cyclic' : ''}`,
      transform: `translate(${box.x},${box.y})`,
      tabindex: 0,
      role: 'button',
      'data-id': node.id,
      'data-index': index,
      'data-state': node.state,
      'aria-label': `${node.name}: ${STAGE_STATE_LABELS[node.state]}. ${node.summary}. Press Enter to open it in dvc.yaml.`,
    });
    g.appendChild(svg('title', {}, document.createTextNode(nodeTooltip(node))));
    g.appendChild(svg('rect', { class: 'node-box', width: NODE.width, height: NODE.height, rx: 6 }));
    g.appendChild(svg('rect', { class: 'node-stripe', width: 4, height: NODE.height, 'clip-path': 'url(#node-clip)' }));
    g.appendChild(this.glyph(ICONS[node.state], 'node-icon', 18, 24, node.state === 'running' || node.state === 'checking'));
    const name = svg('text', { class: 'node-name', x: 34, y: 23, 'data-fit': NODE.width - 34 - 40 });
    // Stages of other dvc.yaml files are named as DVC addresses them (`sub/dvc.yaml:train`).
    name.textContent = node.file === 'dvc.yaml' ? node.name : `${node.file}:${node.name}`;
    const summary = svg('text', { class: 'node-summary', x: 34, y: 41, 'data-fit': NODE.width - 34 - 40 });
    summary.textContent = node.summary;
    g.append(name, summary);

    const open = () => this.host.post({ type: 'openStage', id: node.id });
    g.addEventListener('click', (e) => {
      if ((e.target as Element).closest('[data-part="run"]')) return;
      open();
    });
    g.addEventListener('keydown', (e) => {
      if ((e.key === 'Enter' || e.key === ' ') && e.target === g) {
        e.preventDefault();
        open();
      }
    });
    g.addEventListener('mouseenter', () => this.highlight(index, true));
    g.addEventListener('mouseleave', () => this.highlight(index, false));
    g.addEventListener('focus', () => this.highlight(index, true));
    g.addEventListener('blur', () => this.highlight(index, false));

    // The node's own button: run it (and what it needs), or stop the run that is executing it.
    const mine = node.state === 'running' || node.state === 'queued';
    const disabled = !this.canRun || (busy && !mine) || cyclic;
    const label = mine ? `Cancel the run (${node.name} is ${node.state})` : !this.canRun ? 'Running needs a trusted workspace' : cyclic ? 'In a cycle: fix dvc.yaml first' : busy ? 'A run is in progress' : `Run ${node.name} and what it needs (dvc repro ${node.name}); Shift+click: with everything downstream`;
    const button = svg('g', { class: `run-button${disabled ? ' disabled' : ''}${mine ? ' stop' : ''}`, transform: `translate(${NODE.width - 34},${(NODE.height - 24) / 2})`, tabindex: disabled ? -1 : 0, role: 'button', 'data-part': 'run', 'aria-label': label, 'aria-disabled': String(disabled) });
    button.appendChild(svg('title', {}, document.createTextNode(label)));
    button.appendChild(svg('rect', { width: 24, height: 24, rx: 4 }));
    button.appendChild(this.glyph(mine ? 'debug-stop' : 'play', 'run-glyph', 12, 12, false));
    const press = (e: MouseEvent | KeyboardEvent) => {
      e.stopPropagation();
      if (disabled) return;
      if (mine) this.host.post({ type: 'cancelRun' });
      else this.host.post({ type: 'runStage', id: node.id, downstream: e.shiftKey });
    };
    button.addEventListener('click', press);
    button.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        press(e);
      }
    });
    g.appendChild(button);
    return g;
  }

  /** A codicon drawn as SVG text: the glyph is read from codicon.css's own `::before` rule, so it always matches the font. */
  private glyph(name: string, cls: string, cx: number, cy: number, spin: boolean): SVGGElement {
    const g = svg('g', { class: `${cls}${spin ? ' spin' : ''}`, transform: `translate(${cx},${cy})` });
    const text = svg('text', { class: 'glyph', 'text-anchor': 'middle', 'dominant-baseline': 'central' });
    text.textContent = this.glyphChar(name);
    g.appendChild(text);
    return g;
  }

  private glyphChar(name: string): string {
    let ch = this.glyphs.get(name);
    if (ch === undefined) {
      const probe = html('span', `codicon codicon-${name} glyph-probe`);
      document.body.appendChild(probe);
      const content = getComputedStyle(probe, '::before').content;
      probe.remove();
      ch = content && content !== 'none' ? content.replace(/^["']|["']$/g, '') : '•';
      this.glyphs.set(name, ch);
    }
    return ch;
  }

  private fitTexts(root: SVGSVGElement): void {
    for (const t of root.querySelectorAll<SVGTextElement>('text[data-fit]')) {
      const max = Number(t.getAttribute('data-fit'));
      const full = t.textContent ?? '';
      t.textContent = fitText(full, max, (s) => {
        t.textContent = s;
        return t.getComputedTextLength();
      });
    }
  }

  private highlight(index: number, on: boolean): void {
    if (!this.drawing) return;
    for (const p of this.drawing.querySelectorAll<SVGPathElement>('path.edge')) {
      if (p.dataset.from !== String(index) && p.dataset.to !== String(index)) continue;
      p.classList.toggle('hl', on);
      p.setAttribute('marker-end', on ? 'url(#arrow-hl)' : 'url(#arrow)');
    }
  }

  private currentZoom(): number {
    if (this.zoom !== 'fit') return this.zoom;
    const l = this.layout;
    return l ? fitZoom(l.width, l.height, this.canvas.clientWidth, this.canvas.clientHeight) : 1;
  }

  private setZoom(zoom: number | 'fit'): void {
    this.zoom = zoom;
    this.host.setState({ zoom } satisfies SavedState);
    this.applyZoom();
  }

  private applyZoom(): void {
    const l = this.layout;
    if (!l || !this.drawing) return;
    const z = this.currentZoom();
    this.drawing.setAttribute('width', String(Math.round(l.width * z)));
    this.drawing.setAttribute('height', String(Math.round(l.height * z)));
    this.zoomLabel.textContent = `${Math.round(z * 100)}%`;
    document.body.dataset.zoom = String(z);
  }
}

function toggleAttr(el: Element, name: string, on: boolean): void {
  if (on) el.setAttribute(name, '');
  else el.removeAttribute(name);
}
