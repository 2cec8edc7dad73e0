/** What the user is looking at; mirrored in the URL so a reload or a shared link shows the same thing. */
export interface ViewState {
  priority: string[];
  rule: string[];
  source: string[];
  hostname: string[];
  tags: string[];
  filter: string;
  since: string;
  /** uuid of the alert open in the detail panel. */
  alert: string;
}

export type ListKey = 'priority' | 'rule' | 'source' | 'hostname' | 'tags';
export const LIST_KEYS: readonly ListKey[] = ['priority', 'rule', 'source', 'hostname', 'tags'];

/** Commas separate values in the API's lists, so a value containing one cannot be expressed; it is split. */
function splitList(value: string | null): string[] {
  return value ? value.split(',').filter((s) => s !== '') : [];
}

export function readState(search: string): ViewState {
  const params = new URLSearchParams(search);
  return {
    priority: splitList(params.get('priority')),
    rule: splitList(params.get('rule')),
    source: splitList(params.get('source')),
    hostname: splitList(params.get('hostname')),
    tags: splitList(params.get('tags')),
    filter: params.get('filter') ?? '',
    since: params.get('since') ?? '',
    alert: params.get('alert') ?? '',
  };
}

/** The API query for the filters (no paging, no detail). */
export function filterQuery(state: ViewState, omit?: ListKey): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of LIST_KEYS) {
    if (key !== omit && state[key].length > 0) params.set(key, state[key].join(','));
  }
  if (state.filter) params.set('filter', state.filter);
  if (state.since) params.set('since', state.since);
  return params;
}

export function writeState(state: ViewState, push: boolean): void {
  const params = filterQuery(state);
  if (state.alert) params.set('alert', state.alert);
  const query = params.toString();
  const url = `${location.pathname}${query ? `?${query}` : ''}`;
  if (url === `${location.pathname}${location.search}`) return;
  if (push) history.pushState(null, '', url);
  else history.replaceState(null, '', url);
}
