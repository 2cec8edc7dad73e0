import { existsSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder Saker is installed in (where package.json, rules/ and web-ui/ live), found relative to
 * this file both in the sources (`common/`) and in the build (`dist/common/`).
 */
function findPackageRoot(): string {
  for (const candidate of ['../package.json', '../../package.json']) {
    const file = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(file)) return dirname(file);
  }
  throw new Error('package.json not found next to the Saker installation');
}

export const PACKAGE_ROOT: string = findPackageRoot();

export const SAKER_VERSION: string = (JSON.parse(readFileSync(`${PACKAGE_ROOT}/package.json`, 'utf8')) as { version: string }).version;
