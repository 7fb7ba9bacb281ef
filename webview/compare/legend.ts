// The legend shared by every chart: hovering an entry highlights that run (or group) in all charts, clicking
// hides or shows it. Names come from the logs: textContent only.
import { clear, h, icon } from './dom';

export interface LegendEntry {
  /** A run id, or a group name in grouped mode. */
  id: string;
  name: string;
  detail: string;
  color: string;
  hidden: boolean;
  status?: string;
  /** The run's line is patterned (it shares its colour with a run of an earlier palette round). */
  dashed?: boolean;
}

export interface LegendHandlers {
  hover(id: string | null): void;
  toggle(id: string): void;
  showAll(): void;
}

export class Legend {
  readonly el: HTMLElement;

  constructor(private readonly handlers: LegendHandlers) {
    this.el = h('div', { class: 'legend', attrs: { role: 'list', 'aria-label': 'Runs' } });
    this.el.addEventListener('mouseleave', () => handlers.hover(null));
  }

  render(entries: readonly LegendEntry[], kind: 'run' | 'group'): void {
    clear(this.el);
    for (const e of entries) {
      const swatch = h('span', { class: e.dashed ? 'swatch dashed' : 'swatch' });
      if (e.dashed) swatch.style.borderColor = e.color;
      else swatch.style.backgroundColor = e.color;
      const item = h('button', {
        class: `legend-item${e.hidden ? ' off' : ''}`,
        title: `${e.detail}\nClick to ${e.hidden ? 'show' : 'hide'}; hover to highlight.`,
        attrs: { role: 'listitem', 'aria-pressed': String(!e.hidden), type: 'button' },
        data: kind === 'run' ? { runId: e.id } : { group: e.id },
        on: {
          mouseenter: () => this.handlers.hover(e.id),
          focus: () => this.handlers.hover(e.id),
          blur: () => this.handlers.hover(null),
          click: () => this.handlers.toggle(e.id),
        },
      }, swatch, h('span', { class: 'legend-name', text: e.name }),
      e.status === 'RUNNING' ? icon('sync', 'codicon-modifier-spin legend-status') : null,
      e.status === 'FAILED' ? icon('error', 'legend-status failed') : null);
      this.el.appendChild(item);
    }
    if (entries.some((e) => e.hidden)) {
      this.el.appendChild(h('button', { class: 'link-button', text: 'Show all', attrs: { type: 'button' }, on: { click: () => this.handlers.showAll() } }));
    }
  }

  /** Marks the highlighted entry without rebuilding the legend. */
  markHighlight(id: string | null): void {
    for (const item of this.el.querySelectorAll<HTMLElement>('.legend-item')) {
      const itemId = item.dataset.runId ?? item.dataset.group ?? '';
      item.classList.toggle('highlighted', id !== null && itemId === id);
      item.classList.toggle('dimmed', id !== null && itemId !== id);
    }
  }
}
