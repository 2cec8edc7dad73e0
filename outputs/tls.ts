import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { SakerError } from '../common/errors.js';
import type { OutputCreateOptions } from './create-options.js';
import { OUTPUT_ERROR_CODES } from './errors.js';

/** The TLS settings an output section carries (see `tlsKeys`). */
export interface TlsSettings {
  checkcert: boolean;
  mutualtls: boolean;
  cacertfile: string;
  certfile: string;
  keyfile: string;
}

/** Node TLS options built from the settings: what undici's `connect` and kafkajs's `ssl` both accept. */
export interface TlsOptions {
  rejectUnauthorized: boolean;
  ca?: string[];
  cert?: string;
  key?: string;
}

/** falcosidekick's default folder for mutual-TLS client files (`mutualtlsfilespath`). */
export const DEFAULT_MUTUAL_TLS_PATH = '/etc/certs';

function readPem(file: string, key: string, output: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (cause) {
    throw new SakerError(OUTPUT_ERROR_CODES.CONFIG, `${output}.${key}: cannot read ${file}: ${(cause as Error).message}`, { cause });
  }
}

/**
 * Reads the certificate files once, at output creation, so a bad path stops start-up rather than every
 * send. Precedence for each file: the output's own key, then (with `mutualtls`) `mutualtlsclient.*`,
 * then the fixed names under `mutualtlsfilespath`. Extra CAs are added to the system's, as falcosidekick does.
 */
export function loadTlsOptions(settings: TlsSettings, output: string, global: OutputCreateOptions = {}): TlsOptions {
  const options: TlsOptions = { rejectUnauthorized: settings.checkcert };
  const folder = global.mutualTlsFilesPath ?? DEFAULT_MUTUAL_TLS_PATH;
  const client = global.mutualTlsClient ?? {};
  const pick = (own: string, explicit: string | undefined, fileName: string): string =>
    own || (settings.mutualtls ? explicit || join(folder, fileName) : '');
  const cas = [pick(settings.cacertfile, client.cacertfile, 'ca.crt'), global.tlsClientCaCertFile ?? ''].filter((f) => f !== '');
  if (cas.length > 0) options.ca = [...rootCertificates, ...cas.map((file) => readPem(file, 'cacertfile', output))];
  const certfile = pick(settings.certfile, client.certfile, 'client.crt');
  const keyfile = pick(settings.keyfile, client.keyfile, 'client.key');
  if (certfile !== '' || keyfile !== '') {
    if (certfile === '' || keyfile === '') {
      throw new SakerError(OUTPUT_ERROR_CODES.CONFIG, `${output}: certfile and keyfile must be set together`);
    }
    options.cert = readPem(certfile, 'certfile', output);
    options.key = readPem(keyfile, 'keyfile', output);
  }
  return options;
}
