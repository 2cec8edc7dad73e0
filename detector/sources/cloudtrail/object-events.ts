import { gunzipSync } from 'node:zlib';
import type { TimedDocument } from '../json-event.js';
import { tryParseJson } from '../json-file.js';
import { parseCloudtrailDocument } from './records.js';
import type { CloudtrailRemoteSkip } from './remote-skips.js';

/**
 * The events of one CloudTrail log object's bytes: gunzipped when they are gzip (by content, as the
 * file reader, so a mislabelled `.json` still reads), parsed as `{"Records":[…]}`, each record timed
 * by its eventTime. An object that does not decompress or parse is skipped whole and reported.
 */
export function cloudtrailObjectEvents(bytes: Uint8Array, where: string): { events: TimedDocument[]; skips: CloudtrailRemoteSkip[] } {
  let data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (data.length >= 2 && data[0] === 0x1f && data[1] === 0x8b) {
    try {
      data = gunzipSync(data);
    } catch {
      return { events: [], skips: [{ reason: 'bad-gzip', where, detail: 'does not decompress' }] };
    }
  }
  let text = data.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const document = tryParseJson(text);
  if (document === undefined) return { events: [], skips: [{ reason: 'malformed-json', where, detail: 'not valid JSON' }] };
  return parseCloudtrailDocument(document, where);
}
