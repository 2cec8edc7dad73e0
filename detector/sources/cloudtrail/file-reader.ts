import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { SakerError, isSakerError } from '../../../common/errors.js';
import type { JsonEvent } from '../json-event.js';
import { readJsonText, tryParseJson } from '../json-file.js';
import { parseCloudtrailDocument } from './records.js';
import type { CloudtrailSkip } from './skips.js';
import { CloudtrailReadStats } from './skips.js';

/** How readCloudtrail reports what it skips. */
export interface CloudtrailFileOptions {
  /** Called for every skipped file or record (log it); bad content never throws. */
  onSkip?: (skip: CloudtrailSkip) => void;
  /** Counts files, events and skips. */
  stats?: CloudtrailReadStats;
}

/** CloudTrail delivers `.json.gz`; hand-made logs are often plain `.json`. */
export function isCloudtrailLogName(name: string): boolean {
  return name.endsWith('.json') || name.endsWith('.json.gz');
}

// Depth-first, entries sorted by name at each level: the order Go's filepath.Walk gives the plugin.
async function collectLogFiles(dir: string, out: string[], depthLeft: number): Promise<void> {
  if (depthLeft === 0) return;
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (cause) {
    throw new SakerError('SAKER_ERR_SOURCE_OPEN', `cannot list ${dir}`, { cause });
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await collectLogFiles(path, out, depthLeft - 1);
    else if (entry.isFile() && isCloudtrailLogName(entry.name)) out.push(path);
  }
}

/** Directory nesting followed at most (CloudTrail's own layout is AWSLogs/acct/CloudTrail/region/y/m/d). */
const MAX_DEPTH = 32;

/**
 * The log files an open parameter names: the file itself (any name; gzip is detected by content),
 * or every `.json` / `.json.gz` file under a directory, recursively, in sorted order. Throws
 * `SAKER_ERR_SOURCE_OPEN` when the path does not exist or a directory holds no log file, as the
 * plugin refuses to open then.
 */
export async function cloudtrailLogFiles(path: string): Promise<string[]> {
  let info;
  try {
    info = await stat(path);
  } catch (cause) {
    throw new SakerError('SAKER_ERR_SOURCE_OPEN', `cannot open ${path}`, { cause });
  }
  if (!info.isDirectory()) return [path];
  const files: string[] = [];
  await collectLogFiles(path, files, MAX_DEPTH);
  if (files.length === 0) throw new SakerError('SAKER_ERR_SOURCE_OPEN', `no .json or .json.gz files found in ${path}`);
  return files;
}

/**
 * Reads CloudTrail log files (`{"Records":[…]}`, plain or gzip) from a file or a directory and
 * yields one event per record, file by file in sorted order and records in file order. A file
 * that does not parse or decompress is skipped whole and reported; records without a usable
 * eventTime or eventType are skipped one by one.
 */
export async function* readCloudtrail(path: string, options: CloudtrailFileOptions = {}): AsyncGenerator<JsonEvent> {
  const stats = options.stats ?? new CloudtrailReadStats();
  const report = (skip: CloudtrailSkip): void => {
    stats.skip(skip.reason);
    options.onSkip?.(skip);
  };
  for (const file of await cloudtrailLogFiles(path)) {
    let text: string;
    try {
      text = await readJsonText(file);
    } catch (error) {
      if (isSakerError(error) && error.code === 'SAKER_ERR_SOURCE_FORMAT') {
        report({ reason: 'bad-gzip', where: file, detail: 'does not decompress' });
        continue;
      }
      throw error;
    }
    stats.files++;
    const document = tryParseJson(text);
    if (document === undefined) {
      report({ reason: 'malformed-json', where: file, detail: 'not valid JSON' });
      continue;
    }
    const parsed = parseCloudtrailDocument(document, file);
    parsed.skips.forEach(report);
    for (const event of parsed.events) {
      stats.events++;
      yield { ...event, num: stats.events };
    }
  }
}
