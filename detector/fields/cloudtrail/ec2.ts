import type { JsonObject } from '../../sources/json-event.js';
import { isJsonObject } from '../../sources/json-event.js';
import { getPath, getString } from '../json/index.js';

/** `ec2.name`: the `Name` tag of the instance tag specification in the request. */
export function ec2Name(doc: JsonObject): string | undefined {
  const items = getPath(doc, ['requestParameters', 'tagSpecificationSet', 'items']);
  if (!Array.isArray(items)) return undefined;
  let name = '';
  for (const item of items) {
    if (getString(item, ['resourceType']) !== 'instance') continue;
    const tags = getPath(item, ['tags']);
    if (!Array.isArray(tags)) continue;
    const tag = tags.find((t) => isJsonObject(t) && t.key === 'Name');
    if (tag !== undefined) name = getString(tag, ['value']) ?? '';
  }
  return name === '' ? undefined : name;
}

/** `ec2.imageid`: where the plugin looks for it — the first tag specification item of the response. */
export function ec2ImageId(doc: JsonObject): string | undefined {
  const items = getPath(doc, ['responseElements', 'tagSpecificationSet', 'items']);
  if (!Array.isArray(items) || items.length === 0) return undefined;
  const id = getString(items[0], ['imageId']);
  return id === undefined || id === '' ? undefined : id;
}
