import { SakerError } from '../../../common/errors.js';

/** Where the audit webhook listens, decoded from a k8saudit-style open parameter. */
export interface ListenAddress {
  protocol: 'http' | 'https';
  /** Interface to bind; undefined = every interface (`http://:9765/…`). */
  host: string | undefined;
  /** 0 picks a free port (tests). */
  port: number;
  /** The one path that accepts audit POSTs, e.g. `/k8s-audit`. */
  path: string;
}

// The plugin hands `scheme://host:port/path` to Go's url.Parse and then to http.Server{Addr: host:port}
// and ServeMux.HandleFunc(path). WHATWG `new URL` rejects the empty host of `http://:9765/k8s-audit`,
// so the same shape is matched here: an optional host (a bracketed IPv6 literal or a name/IPv4), a
// port, and a path.
const LISTEN_URL = /^(https?):\/\/(\[[0-9A-Fa-f:.]+\]|[^/:[\]?#]*)(?::(\d{1,5}))?(\/[^?#]*)?(?:[?#].*)?$/;

function invalid(text: string, why: string): SakerError {
  return new SakerError('SAKER_ERR_SOURCE_PARAMS', `k8s audit listen URL ${JSON.stringify(text)}: ${why} (expected e.g. http://:9765/k8s-audit)`);
}

/**
 * Decodes the webhook's listen URL as Falco's k8saudit plugin reads its `open_params`:
 * `http://<host>:<port>/<path>` or `https://…`, the host optional (every interface). The port and
 * the path are required: the plugin cannot listen without a port, and Go's ServeMux refuses an
 * empty pattern. Throws `SAKER_ERR_SOURCE_PARAMS` naming what is wrong.
 */
export function parseListenUrl(text: string): ListenAddress {
  const match = LISTEN_URL.exec(text.trim());
  if (match === null) {
    if (!/^https?:\/\//.test(text.trim())) throw invalid(text, 'the scheme must be http or https');
    throw invalid(text, 'not a URL of the form scheme://[host]:port/path');
  }
  const [, scheme, rawHost = '', rawPort, path] = match;
  if (rawPort === undefined) throw invalid(text, 'a port is required');
  const port = Number(rawPort);
  if (port > 65_535) throw invalid(text, `port ${port} is out of range`);
  if (path === undefined || path === '') throw invalid(text, 'a path is required');
  const host = rawHost.startsWith('[') ? rawHost.slice(1, -1) : rawHost;
  return { protocol: scheme === 'https' ? 'https' : 'http', host: host === '' ? undefined : host, port, path };
}
