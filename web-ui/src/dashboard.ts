import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { el, setChildren } from './dom.js';
import { formatCount } from './format.js';
import type { ListKey } from './state.js';
import { PRIORITIES, type Timeline } from './types.js';

/** Series colours per priority, matching the badges in styles.css. */
const PRIORITY_COLORS: Record<string, string> = {
  Emergency: '#7f1d1d',
  Alert: '#b91c1c',
  Critical: '#dc2626',
  Error: '#ea580c',
  Warning: '#d97706',
  Notice: '#2563eb',
  Informational: '#0891b2',
  Debug: '#6b7280',
};

const TOP_LISTS: readonly { key: ListKey; field: string; title: string }[] = [
  { key: 'rule', field: 'rule', title: 'Top rules' },
  { key: 'source', field: 'source', title: 'Top sources' },
  { key: 'hostname', field: 'hostname', title: 'Top hostnames' },
];

/** The timeline by priority and the top rules, sources and hostnames (click one to filter). */
export class Dashboard {
  readonly element: HTMLElement;
  private readonly chartBox: HTMLElement;
  private readonly lists = new Map<string, HTMLOListElement>();
  private chart: uPlot | undefined;
  private readonly resize = new ResizeObserver(() => this.fit());

  constructor(private readonly onPick: (key: ListKey, value: string) => void) {
    this.chartBox = el('div', { class: 'chart', attrs: { role: 'img', 'aria-label': 'Alerts over time by priority' } });
    const tops = TOP_LISTS.map(({ field, title }) => {
      const list = el('ol', { class: 'top-list' });
      this.lists.set(field, list);
      return el('section', { class: 'top' }, [el('h2', { text: title }), list]);
    });
    this.element = el('section', { class: 'dashboard', attrs: { 'aria-label': 'Dashboard' } }, [
      el('div', { class: 'timeline' }, [el('h2', { text: 'Timeline' }), this.chartBox]),
      ...tops,
    ]);
    this.resize.observe(this.chartBox);
  }

  setTimeline(timeline: Timeline): void {
    const present = PRIORITIES.filter((p) => timeline.counts[p]);
    const data: uPlot.AlignedData = [timeline.times.map((t) => t / 1000), ...present.map((p) => timeline.counts[p] ?? [])];
    const series: uPlot.Series[] = [
      {},
      ...present.map((p) => ({ label: p, stroke: PRIORITY_COLORS[p], fill: `${PRIORITY_COLORS[p]}33`, width: 1.5, paths: uPlot.paths.stepped?.({ align: 1 }) })),
    ];
    this.chart?.destroy();
    const style = getComputedStyle(document.documentElement);
    const axis = { stroke: style.getPropertyValue('--muted').trim() || '#888', grid: { stroke: style.getPropertyValue('--grid').trim() || '#8883' } };
    this.chart = new uPlot(
      { width: Math.max(200, this.chartBox.clientWidth), height: 160, series, axes: [axis, axis], legend: { show: present.length > 0, live: false }, cursor: { drag: { x: false, y: false } } },
      data,
      this.chartBox,
    );
  }

  setTop(field: string, counts: Record<string, number>): void {
    const list = this.lists.get(field);
    const key = TOP_LISTS.find((t) => t.field === field)?.key;
    if (!list || !key) return;
    const entries = Object.entries(counts).sort((a, b) => b[1] - a[1]).slice(0, 8);
    const items = entries.map(([value, n]) =>
      el('li', {}, [
        el('button', { class: 'top-item', attrs: { type: 'button', title: `Filter on ${field} ${value}` }, on: { click: () => this.onPick(key, value) } }, [
          el('span', { class: 'top-name', text: value || '(empty)' }),
          el('span', { class: 'top-count', text: formatCount(n) }),
        ]),
      ]),
    );
    setChildren(list, items.length ? items : [el('li', { class: 'empty', text: 'No alerts' })]);
  }

  private fit(): void {
    if (this.chart) this.chart.setSize({ width: Math.max(200, this.chartBox.clientWidth), height: 160 });
  }
}
