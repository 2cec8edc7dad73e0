import { ApiError, deadLetters, replayDeadLetters, type DeadLetter } from './api.js';
import { el, setChildren } from './dom.js';
import { formatTime } from './format.js';

/** Deliveries that failed for good, each with a replay button, and one to replay them all. */
export class DeadLetterPanel {
  readonly element: HTMLElement;
  private readonly body: HTMLElement;
  private readonly note: HTMLElement;

  constructor(private readonly onClose: () => void) {
    this.body = el('tbody');
    this.note = el('p', { class: 'muted', attrs: { role: 'status' } });
    const replayAll = el('button', { class: 'small', text: 'Replay all', attrs: { type: 'button' }, on: { click: () => void this.replay() } });
    const close = el('button', { class: 'icon', text: '✕', attrs: { type: 'button', 'aria-label': 'Close dead letters' }, on: { click: () => this.onClose() } });
    this.element = el('section', { class: 'deadletters', attrs: { 'aria-label': 'Dead letters', hidden: '' } }, [
      el('header', { class: 'detail-head' }, [el('h2', { text: 'Dead letters' }), el('span', { class: 'tools' }, [replayAll, close])]),
      this.note,
      el('table', { class: 'fields dl-table' }, [
        el('thead', {}, [el('tr', {}, ['Failed', 'Output', 'Attempts', 'Reason', 'Rule', ''].map((t) => el('th', { text: t })))]),
        this.body,
      ]),
    ]);
  }

  async show(): Promise<void> {
    this.element.hidden = false;
    await this.refresh();
  }

  hide(): void {
    this.element.hidden = true;
  }

  visible(): boolean {
    return !this.element.hidden;
  }

  private async refresh(): Promise<void> {
    try {
      const result = await deadLetters();
      if (!result) {
        this.note.textContent = 'This server does not keep dead letters.';
        setChildren(this.body, []);
        return;
      }
      this.note.textContent = result.total === 0 ? 'Every alert was delivered.' : `${result.total} ${result.total === 1 ? 'delivery' : 'deliveries'} failed for good.`;
      setChildren(this.body, result.deadletters.map((d) => this.row(d)));
    } catch (error) {
      this.note.textContent = error instanceof ApiError ? `${error.message} (${error.code})` : 'The server cannot be reached.';
    }
  }

  private row(d: DeadLetter): HTMLElement {
    return el('tr', { attrs: { 'data-id': String(d.id) } }, [
      el('td', { text: formatTime(d.failed_at) }),
      el('td', { text: d.output }),
      el('td', { text: String(d.attempts) }),
      el('td', { text: d.reason }),
      el('td', { text: d.alert.rule }),
      el('td', {}, [el('button', { class: 'small', text: 'Replay', attrs: { type: 'button' }, on: { click: () => void this.replay([d.id]) } })]),
    ]);
  }

  private async replay(ids?: number[]): Promise<void> {
    try {
      const { replayed } = await replayDeadLetters(ids);
      await this.refresh();
      this.note.textContent = `Replayed ${replayed}. ${this.note.textContent ?? ''}`;
    } catch (error) {
      this.note.textContent = error instanceof ApiError ? `${error.message} (${error.code})` : 'The server cannot be reached.';
    }
  }
}
