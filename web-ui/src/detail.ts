import { el, priorityClass, setChildren } from './dom.js';
import { stringifyExact } from './exact-json.js';
import { fieldText, formatTime } from './format.js';
import type { Alert, Delivery } from './types.js';

/** The side panel with everything about one alert: fields, tags, delivery, and the raw JSON. */
export class DetailPanel {
  readonly element: HTMLElement;
  private readonly body: HTMLElement;
  private current: Alert | undefined;

  constructor(
    private readonly onClose: () => void,
    private readonly onTag: (tag: string) => void,
  ) {
    this.body = el('div', { class: 'detail-body' });
    const close = el('button', { class: 'icon', text: '✕', attrs: { type: 'button', 'aria-label': 'Close details', title: 'Close (Esc)' }, on: { click: () => this.onClose() } });
    this.element = el('aside', { class: 'detail', attrs: { 'aria-label': 'Alert details', hidden: '' } }, [
      el('header', { class: 'detail-head' }, [el('h2', { text: 'Alert' }), close]),
      this.body,
    ]);
  }

  uuid(): string | undefined {
    return this.element.hidden ? undefined : this.current?.uuid;
  }

  hide(): void {
    this.element.hidden = true;
    this.current = undefined;
  }

  show(alert: Alert, delivery?: Delivery[]): void {
    this.current = alert;
    this.element.hidden = false;
    const fields = Object.entries(alert.output_fields).sort(([a], [b]) => a.localeCompare(b));
    const raw = stringifyExact(alert, 2);
    const copy = el('button', { class: 'small', text: 'Copy JSON', attrs: { type: 'button' } });
    copy.addEventListener('click', () => {
      void navigator.clipboard.writeText(raw).then(
        () => (copy.textContent = 'Copied'),
        () => (copy.textContent = 'Copy failed'),
      );
    });
    setChildren(this.body, [
      el('dl', { class: 'summary' }, [
        ...pair('Rule', el('span', { class: 'd-rule', text: alert.rule })),
        ...pair('Priority', el('span', { class: priorityClass(alert.priority), text: alert.priority })),
        ...pair('Time', el('span', { text: formatTime(alert.time), attrs: { title: alert.time } })),
        ...pair('Source', el('span', { text: alert.source })),
        ...pair('Hostname', el('span', { text: alert.hostname })),
        ...pair('UUID', el('code', { text: alert.uuid })),
      ]),
      el('h3', { text: 'Output' }),
      el('pre', { class: 'output', text: alert.output }),
      el('h3', { text: 'Tags' }),
      el('div', { class: 'tags' }, alert.tags.length
        ? alert.tags.map((tag) => el('button', { class: 'tag', text: tag, attrs: { type: 'button', title: `Filter on tag ${tag}` }, on: { click: () => this.onTag(tag) } }))
        : [el('span', { class: 'muted', text: 'none' })]),
      el('h3', { text: 'Output fields' }),
      el('table', { class: 'fields' }, [
        el('tbody', {}, fields.map(([name, value]) => el('tr', { attrs: { 'data-field': name } }, [el('th', { text: name, attrs: { scope: 'row' } }), el('td', { text: fieldText(value) })]))),
      ]),
      el('h3', { text: 'Delivery' }),
      deliveryView(delivery),
      el('div', { class: 'raw-head' }, [el('h3', { text: 'Raw JSON' }), copy]),
      el('pre', { class: 'raw', text: raw }),
    ]);
  }
}

function pair(term: string, value: HTMLElement): HTMLElement[] {
  return [el('dt', { text: term }), el('dd', {}, [value])];
}

/** What each delivery state reads as, and the mark before it. */
const STATE_LABELS: Readonly<Record<string, { mark: string; label: string }>> = {
  delivered: { mark: '✓', label: 'delivered' },
  pending: { mark: '…', label: 'pending' },
  dead: { mark: '✗', label: 'dead-lettered' },
  skipped: { mark: '–', label: 'not sent' },
};

function attemptsText(attempts: number | undefined): string {
  return attempts ? ` after ${attempts} attempt${attempts === 1 ? '' : 's'}` : '';
}

/** The line under an output's state: when, the next try, or the reason. */
function deliveryDetail(d: Delivery): string {
  const when = (ms: number | undefined): string => (ms === undefined ? '' : formatTime(new Date(ms).toISOString()));
  if (d.state === 'delivered') return `at ${when(d.at)}${attemptsText(d.attempts)}`;
  if (d.state === 'pending') return `${d.attempts ?? 0} attempt${d.attempts === 1 ? '' : 's'} so far; next try ${when(d.nextAt)}${d.error ? `; last error: ${d.error}` : ''}`;
  if (d.state === 'dead') return `${d.error ?? ''}${attemptsText(d.attempts)}${d.at === undefined ? '' : `, at ${when(d.at)}`}`;
  return d.error ?? '';
}

function deliveryView(delivery: Delivery[] | undefined): HTMLElement {
  if (delivery === undefined) return el('p', { class: 'muted', text: 'Loading…' });
  if (delivery.length === 0) return el('p', { class: 'muted', text: 'No output recorded a delivery for this alert.' });
  return el('ul', { class: 'delivery' }, delivery.map((d) => {
    const { mark, label } = STATE_LABELS[d.state] ?? { mark: '?', label: d.state };
    return el('li', { class: `state-${d.state}`, attrs: { 'data-output': d.output, 'data-state': d.state } }, [
      el('span', { class: 'mark', text: mark, attrs: { 'aria-hidden': 'true' } }),
      ' ',
      el('strong', { text: d.output }),
      ` ${label}`,
      el('div', { class: 'muted delivery-detail', text: deliveryDetail(d) }),
    ]);
  }));
}
