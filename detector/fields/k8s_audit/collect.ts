import type { JsonValue } from '../../sources/json-event.js';
import { step, jsonText } from '../json/index.js';

/**
 * Walks `keys` from `value` the way Falco's k8saudit plugin does: when an array stands where the
 * next key should apply, either fan out over every element (no index) or take the element at
 * `index` (so `ka.req.pod.containers.image[1]` is the second container's image). An empty key
 * stands for the value itself. Fanned-out elements that lack the rest of the path yield
 * `undefined` in their slot; a missing step outside a fan-out makes the whole result undefined.
 */
export function collect(
  value: JsonValue | undefined,
  keys: readonly string[],
  index: number | undefined,
  from = 0,
): (JsonValue | undefined)[] | undefined {
  let current = value;
  for (let i = from; i < keys.length; i++) {
    if (Array.isArray(current)) {
      if (index === undefined) {
        const out: (JsonValue | undefined)[] = [];
        for (const element of current) {
          const sub = collect(element, keys, index, i);
          if (sub === undefined) out.push(undefined);
          else out.push(...sub);
        }
        return out;
      }
      current = current[index];
      if (current === undefined) return undefined;
    }
    const key = keys[i] ?? '';
    current = key === '' ? current : step(current, key);
    if (current === undefined) return undefined;
  }
  return current === undefined ? undefined : [current];
}

/** The texts of the values that are present (Falco's "skip nil"). */
export function presentTexts(values: readonly (JsonValue | undefined)[]): string[] {
  const out: string[] = [];
  for (const value of values) if (value !== undefined) out.push(jsonText(value));
  return out;
}

/** Like presentTexts, but array values contribute their elements (a list of lists read flat). */
export function flatTexts(values: readonly (JsonValue | undefined)[]): string[] {
  const out: string[] = [];
  for (const value of values) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const element of value) out.push(jsonText(element));
    else out.push(jsonText(value));
  }
  return out;
}

/** The texts of every value, or undefined when any is missing (image fields need every container's). */
export function allTexts(values: readonly (JsonValue | undefined)[]): string[] | undefined {
  const out: string[] = [];
  for (const value of values) {
    if (value === undefined) return undefined;
    out.push(jsonText(value));
  }
  return out;
}

/** The repository part of an image reference, as Falco cuts it: before the first `:`, then before `@`. */
export function imageRepository(image: string): string {
  return (image.split(':')[0] ?? '').split('@')[0] ?? '';
}
