import type { JsonObject } from '../../sources/json-event.js';
import { getString } from '../json/index.js';

// Event-name prefixes of calls that change state, for the records that lack `readOnly`.
const WRITE_PREFIXES = [
  'Start', 'Stop', 'Create', 'Destroy', 'Delete', 'Add', 'Remove', 'Terminate', 'Put', 'Associate',
  'Disassociate', 'Attach', 'Detach', 'Open', 'Close', 'Wipe', 'Update', 'Upgrade', 'Unlink', 'Assign',
  'Unassign', 'Suspend', 'Set', 'Run', 'Register', 'Deregister', 'Reboot', 'Purchase', 'Modify',
  'Initialize', 'Enable', 'Disable', 'Cancel', 'Admin', 'Activate',
];

/** `ct.readonly`: `readOnly` when the record has it, else guessed from the event name. */
export function cloudtrailReadOnly(doc: JsonObject): string | undefined {
  if (Object.hasOwn(doc, 'readOnly')) return doc.readOnly === true ? 'true' : 'false';
  const name = getString(doc, ['eventName']);
  if (name === undefined) return undefined;
  return WRITE_PREFIXES.some((prefix) => name.startsWith(prefix)) ? 'false' : 'true';
}
