import { SakerError } from '../../../common/errors.js';
import type { JsonValue } from '../../sources/json-event.js';
import { getPath } from './doc.js';

/** A compiled RFC 6901 JSON pointer: the reference tokens, already unescaped. */
export type JsonPointer = readonly string[];

/**
 * Compiles `/a/b~1c/0` into tokens. As in Falco's json plugin, the leading `/` is optional
 * (`json.value[a/b]` works too) and `~1` is unescaped before `~0`, as RFC 6901 requires.
 */
export function compilePointer(text: string): JsonPointer {
  if (text.length === 0) {
    throw new SakerError('SAKER_ERR_FIELD_ARG', 'a JSON pointer argument is required, e.g. json.value[/user/name]');
  }
  const body = text.startsWith('/') ? text.slice(1) : text;
  return body.split('/').map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'));
}

/** The value the pointer designates in `doc`, or undefined. */
export function resolvePointer(doc: JsonValue, pointer: JsonPointer): JsonValue | undefined {
  return getPath(doc, pointer);
}
