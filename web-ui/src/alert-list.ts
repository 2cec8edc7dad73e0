import { el, priorityClass } from './dom.js';
import { formatTime } from './format.js';
import type { Alert } from './types.js';

/** Rows the list draws from; `at` may return undefined for a row not fetched yet (and should fetch it). */
export interface RowSource {
  length(): number;
  at(index: number): Alert | undefined;
}

const ROW_HEIGHT = 34;
/** Rows drawn above and below the visible ones so fast scrolling shows no gaps. */
const OVERSCAN = 10;

interface RowView {
  root: HTMLElement;
  time: HTMLElement;
  priority: HTMLElement;
  rule: HTMLElement;
  hostname: HTMLElement;
  output: HTMLElement;
}

/**
 * The alert list, virtualised: only the rows in view exist in the DOM, positioned over a spacer as tall
 * as all rows, so 100,000 alerts scroll like 50. Keyboard: ↑/↓ (or k/j), Page Up/Down, Home/End, Enter.
 */
export class AlertList {
  readonly element: HTMLElement;
  private readonly viewport: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly pool: RowView[] = [];
  private selected = -1;
  private readonly fresh = new Set<string>();
  private frame = 0;

  constructor(
    private readonly source: RowSource,
    private readonly onOpen: (alert: Alert, index: number) => void,
  ) {
    this.spacer = el('div', { class: 'spacer' });
    this.viewport = el('div', {
      class: 'viewport',
      attrs: { role: 'listbox', tabindex: '0', 'aria-label': 'Alerts, newest first' },
      on: { scroll: () => this.schedule(), keydown: (e) => this.onKey(e as KeyboardEvent) },
    }, [this.spacer]);
    const head = el('div', { class: 'row head', attrs: { 'aria-hidden': 'true' } }, ['Time', 'Priority', 'Rule', 'Host', 'Output'].map((t) => el('span', { text: t })));
    this.element = el('section', { class: 'alert-list', attrs: { 'aria-label': 'Alert list' } }, [head, this.viewport]);
    new ResizeObserver(() => this.schedule()).observe(this.viewport);
  }

  /** Marks alerts that just arrived so they slide in. */
  markFresh(uuids: readonly string[]): void {
    for (const uuid of uuids) this.fresh.add(uuid);
    setTimeout(() => {
      for (const uuid of uuids) this.fresh.delete(uuid);
    }, 1500);
  }

  /** Rows were added at the top: keep the selection on the same alert and, if scrolled, the same view. */
  shiftDown(count: number): void {
    if (this.selected >= 0) this.selected += count;
    if (this.viewport.scrollTop > 0) this.viewport.scrollTop += count * ROW_HEIGHT;
    this.schedule();
  }

  /** Everything changed (new filters): back to the top, nothing selected. */
  reset(): void {
    this.selected = -1;
    this.viewport.scrollTop = 0;
    this.schedule();
  }

  selectedIndex(): number {
    return this.selected;
  }

  focus(): void {
    this.viewport.focus();
  }

  select(index: number, open: boolean): void {
    const length = this.source.length();
    if (length === 0) return;
    this.selected = Math.max(0, Math.min(length - 1, index));
    const top = this.selected * ROW_HEIGHT;
    if (top < this.viewport.scrollTop) this.viewport.scrollTop = top;
    else if (top + ROW_HEIGHT > this.viewport.scrollTop + this.viewport.clientHeight) {
      this.viewport.scrollTop = top + ROW_HEIGHT - this.viewport.clientHeight;
    }
    this.render();
    const alert = this.source.at(this.selected);
    if (open && alert) this.onOpen(alert, this.selected);
  }

  /** Redraw on the next frame (coalesces bursts of scroll events and live alerts). */
  schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  render(): void {
    const length = this.source.length();
    this.spacer.style.height = `${length * ROW_HEIGHT}px`;
    const first = Math.max(0, Math.floor(this.viewport.scrollTop / ROW_HEIGHT) - OVERSCAN);
    const visible = Math.ceil(this.viewport.clientHeight / ROW_HEIGHT) + 2 * OVERSCAN;
    const last = Math.min(length, first + visible);
    while (this.pool.length < last - first) this.pool.push(this.createRow());
    for (let i = 0; i < this.pool.length; i++) {
      const view = this.pool[i]!;
      const index = first + i;
      if (index >= last) {
        view.root.hidden = true;
        continue;
      }
      view.root.hidden = false;
      this.fill(view, index, this.source.at(index));
    }
    const active = this.selected >= first && this.selected < last ? `row-${this.selected}` : '';
    if (active) this.viewport.setAttribute('aria-activedescendant', active);
    else this.viewport.removeAttribute('aria-activedescendant');
  }

  private createRow(): RowView {
    const view: RowView = {
      root: el('div', { class: 'row', attrs: { role: 'option' } }),
      time: el('span', { class: 'c-time' }),
      priority: el('span'),
      rule: el('span', { class: 'c-rule' }),
      hostname: el('span', { class: 'c-host' }),
      output: el('span', { class: 'c-output' }),
    };
    view.root.append(view.time, el('span', { class: 'c-prio' }, [view.priority]), view.rule, view.hostname, view.output);
    view.root.addEventListener('click', () => {
      const index = Number(view.root.dataset.index);
      this.viewport.focus();
      this.select(index, true);
    });
    this.viewport.append(view.root);
    return view;
  }

  private fill(view: RowView, index: number, alert: Alert | undefined): void {
    const root = view.root;
    root.id = `row-${index}`;
    root.dataset.index = String(index);
    root.style.transform = `translateY(${index * ROW_HEIGHT}px)`;
    root.setAttribute('aria-selected', String(index === this.selected));
    root.classList.toggle('loading', !alert);
    root.classList.toggle('fresh', alert !== undefined && this.fresh.has(alert.uuid));
    if (alert) root.dataset.uuid = alert.uuid;
    else delete root.dataset.uuid;
    view.time.textContent = alert ? formatTime(alert.time) : '…';
    view.priority.textContent = alert?.priority ?? '';
    view.priority.className = alert ? priorityClass(alert.priority) : '';
    view.rule.textContent = alert?.rule ?? '';
    view.hostname.textContent = alert?.hostname ?? '';
    view.output.textContent = alert?.output ?? '';
    view.output.title = alert?.output ?? '';
  }

  private onKey(event: KeyboardEvent): void {
    const page = Math.max(1, Math.floor(this.viewport.clientHeight / ROW_HEIGHT) - 1);
    const moves: Record<string, () => void> = {
      ArrowDown: () => this.select(this.selected + 1, true),
      j: () => this.select(this.selected + 1, true),
      ArrowUp: () => this.select(this.selected - 1, true),
      k: () => this.select(this.selected - 1, true),
      PageDown: () => this.select(this.selected + page, true),
      PageUp: () => this.select(this.selected - page, true),
      Home: () => this.select(0, true),
      End: () => this.select(this.source.length() - 1, true),
      Enter: () => this.select(Math.max(0, this.selected), true),
    };
    const move = moves[event.key];
    if (move) {
      event.preventDefault();
      move();
    }
  }
}
