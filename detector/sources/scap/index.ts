/** Falco/sysdig capture files (.scap): reading, decoding and replay with state. */
export { replayScap } from './replay.js';
export type { ScapReplay } from './replay.js';
export { ScapReader, openScapFile } from './reader.js';
export type { ScapStats, ScapMetadata, ScapReadOptions } from './reader.js';
export { MAX_BLOCK_BYTES } from './block-stream.js';
export type { MachineInfo, InterfaceAddress } from './metadata.js';
export { SCAP_ERRORS, ScapError } from './errors.js';
export { BLOCK_TYPES } from './blocks.js';
