import { SAKER_VERSION } from '../common/package-info.js';

/** User-Agent of every HTTP output, so receivers can tell Saker's requests apart. */
export const USER_AGENT = `Saker/${SAKER_VERSION}`;
