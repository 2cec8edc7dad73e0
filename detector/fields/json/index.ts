/** Field extraction for JSON-document events (Falco's `json` plugin), shared by JSON-based sources. */
export { JSON_FIELDS } from './fields.js';
export { compilePointer, resolvePointer } from './pointer.js';
export type { JsonPointer } from './pointer.js';
export { step, getPath, getString, jsonText } from './doc.js';
export { NO_ARG, OPTIONAL_INDEX, REQUIRED_KEY, plainField, parseIndexArg, requireKeyArg, fieldMap } from './spec.js';
export { pluginEventFields } from './plugin-event.js';
export type { PluginEventInfo } from './plugin-event.js';
