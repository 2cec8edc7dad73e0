import { open, readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { createGunzip, gunzipSync } from 'node:zlib';
import { SakerError } from '../../common/errors.js';
import type { JsonValue } from './json-event.js';

/**
 * Reads a file's text for the JSON-document sources, gunzipping it when it is gzip-compressed (by
 * content, not by name) and dropping a byte-order mark. An unreadable file throws
 * `SAKER_ERR_SOURCE_OPEN`; corrupt gzip throws `SAKER_ERR_SOURCE_FORMAT`.
 */
export async function readJsonText(path: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (cause) {
    throw new SakerError('SAKER_ERR_SOURCE_OPEN', `cannot read ${path}`, { cause });
  }
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch (cause) {
      throw new SakerError('SAKER_ERR_SOURCE_FORMAT', `${path} is not valid gzip`, { cause });
    }
  }
  const text = bytes.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** JSON.parse that answers undefined instead of throwing. */
export function tryParseJson(text: string): JsonValue | undefined {
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return undefined;
  }
}

/**
 * Streams a file's lines (gunzipping by content, dropping a byte-order mark) so that large JSON-lines
 * files are never held whole. Open failures throw `SAKER_ERR_SOURCE_OPEN`; corrupt gzip throws
 * `SAKER_ERR_SOURCE_FORMAT` when the bad bytes are reached.
 */
export async function* readJsonLines(path: string): AsyncGenerator<string> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (cause) {
    throw new SakerError('SAKER_ERR_SOURCE_OPEN', `cannot read ${path}`, { cause });
  }
  try {
    const magic = Buffer.alloc(2);
    const { bytesRead } = await handle.read(magic, 0, 2, 0);
    const raw = handle.createReadStream({ start: 0, autoClose: false });
    const gzipped = bytesRead === 2 && magic[0] === 0x1f && magic[1] === 0x8b;
    const input = gzipped ? raw.pipe(createGunzip()) : raw;
    if (gzipped) raw.on('error', (error) => input.destroy(error));
    const lines = createInterface({ input, crlfDelay: Infinity });
    let first = true;
    try {
      for await (const line of lines) {
        yield first && line.charCodeAt(0) === 0xfeff ? line.slice(1) : line;
        first = false;
      }
    } catch (cause) {
      throw new SakerError('SAKER_ERR_SOURCE_FORMAT', `${path} could not be read${gzipped ? ' as gzip' : ''}`, { cause });
    } finally {
      lines.close();
      input.destroy();
    }
  } finally {
    await handle.close();
  }
}
