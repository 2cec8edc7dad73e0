import { el, priorityClass } from './dom.js';
import { formatCount } from './format.js';
import { PRIORITIES } from './types.js';

/** The counts per priority across the top; each chip toggles that priority in the filter. */
export class PriorityHeader {
  readonly element: HTMLElement;
  private readonly chips = new Map<string, { button: HTMLButtonElement; count: HTMLElement }>();
  private counts: Record<string, number> = {};

  constructor(onToggle: (priority: string) => void) {
    this.element = el('nav', { class: 'counts', attrs: { 'aria-label': 'Alerts per priority' } });
    for (const priority of PRIORITIES) {
      const count = el('span', { class: 'count', text: '0' });
      const button = el(
        'button',
        { class: `chip ${priorityClass(priority)}`, attrs: { type: 'button', 'aria-pressed': 'false', 'data-priority': priority }, on: { click: () => onToggle(priority) } },
        [el('span', { class: 'chip-label', text: priority }), count],
      );
      this.chips.set(priority, { button, count });
      this.element.append(button);
    }
  }

  setCounts(counts: Record<string, number>): void {
    this.counts = { ...counts };
    this.render();
  }

  /** A live alert arrived: bump its priority without asking the server. */
  increment(priority: string): void {
    this.counts[priority] = (this.counts[priority] ?? 0) + 1;
    this.render();
  }

  setSelected(selected: readonly string[]): void {
    for (const [priority, { button }] of this.chips) {
      button.setAttribute('aria-pressed', String(selected.includes(priority)));
    }
  }

  private render(): void {
    for (const [priority, { count, button }] of this.chips) {
      const n = this.counts[priority] ?? 0;
      count.textContent = formatCount(n);
      button.classList.toggle('zero', n === 0);
    }
  }
}
