import { readFileSync } from 'node:fs';

/** Saker's own package.json, found relative to this file both in the sources and in `dist/`. */
function readPackageJson(): { name: string; version: string } {
  for (const candidate of ['../package.json', '../../package.json']) {
    try {
      return JSON.parse(readFileSync(new URL(candidate, import.meta.url), 'utf8')) as { name: string; version: string };
    } catch {
      // try the next location
    }
  }
  throw new Error('package.json not found next to the Saker installation');
}

export const SAKER_VERSION: string = readPackageJson().version;
