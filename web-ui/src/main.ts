import './styles.css';
import { alertDetail, countBy, logout, session, timeline, ApiError } from './api.js';
import { AlertList } from './alert-list.js';
import { AlertRows } from './data.js';
import { Dashboard } from './dashboard.js';
import { DeadLetterPanel } from './deadletters.js';
import { DetailPanel } from './detail.js';
import { el, setChildren } from './dom.js';
import { alertCount, formatCount } from './format.js';
import { PriorityHeader } from './header.js';
import { showLogin } from './login.js';
import { LIST_KEYS, filterQuery, readState, writeState, type ListKey, type ViewState } from './state.js';
import { applyTheme, initialTheme, toggleTheme } from './theme.js';
import type { Alert } from './types.js';
import { parseExact } from './exact-json.js';

const SINCE_CHOICES: readonly [string, string][] = [
  ['', 'All time'],
  ['15m', 'Last 15 minutes'],
  ['1h', 'Last hour'],
  ['24h', 'Last 24 hours'],
  ['7d', 'Last 7 days'],
  ['30d', 'Last 30 days'],
];
/** Dashboard refreshes at most this often while alerts stream in. */
const DASHBOARD_REFRESH_MS = 3000;

applyTheme(initialTheme());

let state: ViewState = readState(location.search);
let paused = false;
let held: Alert[] = [];
let stream: EventSource | undefined;
let dashboardTimer: ReturnType<typeof setTimeout> | undefined;

const status = el('p', { class: 'status', attrs: { role: 'status', 'aria-live': 'polite' } });
const total = el('span', { class: 'total' });
const header = new PriorityHeader((priority) => toggle('priority', priority));
const dashboard = new Dashboard((key, value) => toggle(key, value, true));
const rows = new AlertRows(() => {
  list.schedule();
  total.textContent = alertCount(rows.length());
});
const list = new AlertList(rows, (alert) => openDetail(alert));
const detail = new DetailPanel(closeDetail, (tag) => toggle('tags', tag, true));

function closeDetail(): void {
  detail.hide();
  update({ alert: '' }, false);
  list.focus();
}

const searchBox = el('input', {
  class: 'search',
  attrs: { type: 'search', placeholder: 'Search output and fields  ( / )', 'aria-label': 'Search alerts', name: 'filter' },
});
searchBox.value = state.filter;
let searchTimer: ReturnType<typeof setTimeout> | undefined;
searchBox.addEventListener('input', () => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(() => update({ filter: searchBox.value.trim() }, false, true), 300);
});

const sinceSelect = el('select', { attrs: { 'aria-label': 'Time range', name: 'since' } },
  SINCE_CHOICES.map(([value, label]) => el('option', { text: label, attrs: { value } })));
sinceSelect.value = state.since;
sinceSelect.addEventListener('change', () => update({ since: sinceSelect.value }, true, true));

const pauseButton = el('button', { class: 'pause', attrs: { type: 'button', 'aria-pressed': 'false', title: 'Pause the live list (p)' }, on: { click: () => setPaused(!paused) } });
const themeButton = el('button', { class: 'icon', text: '◐', attrs: { type: 'button', 'aria-label': 'Toggle dark theme', title: 'Light / dark' }, on: { click: () => { toggleTheme(); void refreshDashboard(); } } });
const liveDot = el('span', { class: 'live', attrs: { title: 'Live stream' } });
const chips = el('div', { class: 'active-filters', attrs: { 'aria-label': 'Active filters' } });
const exportCsv = el('a', { class: 'button small', text: 'CSV', attrs: { download: '' } });
const exportJson = el('a', { class: 'button small', text: 'JSON lines', attrs: { download: '' } });

const deadLetterPanel = new DeadLetterPanel(() => toggleDeadLetters());
const deadLetterButton = el('button', { class: 'small', text: 'Dead letters', attrs: { type: 'button', 'aria-pressed': 'false' }, on: { click: () => toggleDeadLetters() } });

function toggleDeadLetters(): void {
  const show = !deadLetterPanel.visible();
  deadLetterButton.setAttribute('aria-pressed', String(show));
  if (show) void deadLetterPanel.show();
  else deadLetterPanel.hide();
}

const logoutButton = el('button', { class: 'small', text: 'Log out', attrs: { type: 'button', hidden: '' }, on: { click: () => void logout().then(() => location.reload()) } });

const appRoot = el('div', { class: 'app', attrs: { id: 'app' } }, [
  el('header', { class: 'top' }, [el('h1', { text: 'Saker' }), header.element, el('div', { class: 'tools' }, [liveDot, pauseButton, deadLetterButton, themeButton, logoutButton])]),
  el('div', { class: 'filters' }, [searchBox, sinceSelect, chips, el('span', { class: 'export' }, ['Export ', exportCsv, exportJson])]),
  dashboard.element,
  deadLetterPanel.element,
  el('main', { class: 'content' }, [el('div', { class: 'list-wrap' }, [el('div', { class: 'list-bar' }, [total, status]), list.element]), detail.element]),
]);

function setPaused(value: boolean): void {
  paused = value;
  if (!paused && held.length) {
    const alerts = held;
    held = [];
    receive(alerts);
  }
  renderPause();
}

function renderPause(): void {
  pauseButton.textContent = paused ? (held.length ? `Resume (${formatCount(held.length)} new)` : 'Resume') : 'Pause';
  pauseButton.setAttribute('aria-pressed', String(paused));
  liveDot.classList.toggle('paused', paused);
}

function toggle(key: ListKey, value: string, only = false): void {
  const current = state[key];
  const next = current.includes(value) ? current.filter((v) => v !== value) : only ? [value] : [...current, value];
  update({ [key]: next }, true, true);
}

/** Changes the view; filter changes reload the list, the stream and the dashboard. */
function update(change: Partial<ViewState>, push: boolean, reload = false): void {
  state = { ...state, ...change };
  writeState(state, push);
  if (reload) void load();
}

function renderChips(): void {
  const items = LIST_KEYS.flatMap((key) =>
    state[key].map((value) =>
      el('button', { class: 'filter-chip', attrs: { type: 'button', title: `Remove ${key} filter`, 'data-key': key }, on: { click: () => toggle(key, value) } }, [
        el('span', { class: 'muted', text: `${key}: ` }),
        el('span', { text: value }),
        el('span', { class: 'x', text: ' ✕', attrs: { 'aria-hidden': 'true' } }),
      ]),
    ),
  );
  if (items.length > 1) items.push(el('button', { class: 'small', text: 'Clear all', attrs: { type: 'button' }, on: { click: () => update({ priority: [], rule: [], source: [], hostname: [], tags: [] }, true, true) } }));
  setChildren(chips, items);
  header.setSelected(state.priority);
  const query = filterQuery(state);
  exportCsv.href = `/api/v1/export?${new URLSearchParams([...query, ['format', 'csv']]).toString()}`;
  exportJson.href = `/api/v1/export?${new URLSearchParams([...query, ['format', 'jsonl']]).toString()}`;
}

async function refreshDashboard(): Promise<void> {
  dashboardTimer = undefined;
  const params = filterQuery(state);
  const [priorities, tl, ...tops] = await Promise.all([
    countBy('priority', filterQuery(state, 'priority')),
    timeline(params, 60),
    countBy('rule', params),
    countBy('source', params),
    countBy('hostname', params),
  ]);
  header.setCounts(priorities);
  dashboard.setTimeline(tl);
  ['rule', 'source', 'hostname'].forEach((field, i) => dashboard.setTop(field, tops[i] ?? {}));
}

function scheduleDashboard(): void {
  dashboardTimer ??= setTimeout(() => void refreshDashboard().catch(showError), DASHBOARD_REFRESH_MS);
}

function receive(alerts: Alert[]): void {
  const added = rows.prepend(alerts);
  if (!added.length) return;
  for (const a of added) header.increment(a.priority);
  list.markFresh(added.map((a) => a.uuid));
  list.shiftDown(added.length);
  total.textContent = alertCount(rows.length());
  scheduleDashboard();
}

function connect(cursor: number): void {
  stream?.close();
  const params = filterQuery(state);
  params.set('after', String(cursor));
  stream = new EventSource(`/api/v1/stream?${params.toString()}`);
  stream.onopen = () => liveDot.classList.add('on');
  stream.onerror = () => liveDot.classList.remove('on');
  // Alerts arrive in bursts; gather each burst and draw it once.
  let burst: Alert[] = [];
  stream.onmessage = (event: MessageEvent<string>) => {
    burst.push(parseExact(event.data as string) as Alert);
    if (burst.length === 1) {
      queueMicrotask(() => {
        const alerts = burst;
        burst = [];
        if (paused) {
          held.push(...alerts);
          renderPause();
        } else receive(alerts);
      });
    }
  };
}

function showError(error: unknown): void {
  status.textContent = error instanceof ApiError ? `${error.message} (${error.code})` : 'The server cannot be reached.';
  status.classList.add('error');
}

async function openDetail(alert: Alert): Promise<void> {
  detail.show(alert);
  if (state.alert !== alert.uuid) update({ alert: alert.uuid }, false);
  try {
    const full = await alertDetail(alert.uuid);
    if (detail.uuid() === alert.uuid) detail.show(full.event, full.delivery);
  } catch (error) {
    if (detail.uuid() === alert.uuid) detail.show(alert, []);
    if (!(error instanceof ApiError && error.status === 404)) showError(error);
  }
}

async function load(): Promise<void> {
  renderChips();
  searchBox.value = state.filter;
  sinceSelect.value = state.since;
  held = [];
  renderPause();
  status.textContent = '';
  status.classList.remove('error');
  list.reset();
  try {
    const cursor = await rows.reload(filterQuery(state));
    connect(cursor);
    document.body.dataset.ready = 'true';
    await refreshDashboard();
  } catch (error) {
    showError(error);
  }
  if (state.alert && detail.uuid() !== state.alert) {
    const known = rows.find(state.alert);
    if (known) void openDetail(known);
    else {
      try {
        const full = await alertDetail(state.alert);
        detail.show(full.event, full.delivery);
      } catch {
        update({ alert: '' }, false);
      }
    }
  } else if (!state.alert) detail.hide();
}

document.addEventListener('keydown', (event) => {
  const typing = event.target instanceof HTMLInputElement || event.target instanceof HTMLSelectElement;
  if (event.key === '/' && !typing) {
    event.preventDefault();
    searchBox.focus();
  } else if (event.key === 'p' && !typing && !event.ctrlKey && !event.metaKey) {
    setPaused(!paused);
  } else if (event.key === 'Escape') {
    if (typing) list.focus();
    else if (detail.uuid()) closeDetail();
  }
});

window.addEventListener('popstate', () => {
  state = readState(location.search);
  void load();
});

/** Shows the login form until the server accepts us (when it asks for one), then the app. */
async function start(): Promise<void> {
  const host = document.getElementById('app')!;
  try {
    const current = await session();
    if (current.required && !current.authenticated) {
      const box = el('div', { attrs: { id: 'app' } });
      host.replaceWith(box);
      await showLogin(box);
      box.replaceWith(appRoot);
    } else host.replaceWith(appRoot);
    logoutButton.hidden = !current.required;
  } catch (error) {
    host.replaceWith(appRoot);
    showError(error);
  }
  await load();
}

// A session that expired mid-use: start over at the login form.
window.addEventListener('saker:unauthorized', () => {
  stream?.close();
  location.reload();
});

void start();
