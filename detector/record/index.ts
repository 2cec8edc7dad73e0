/** `saker detector --record`: the live stream kept as JSON lines, and read back by `saker replay`. */
export { LiveRecorder } from './recorder.js';
export type { RecordOptions, RecorderStats } from './recorder.js';
export { replayRecording, looksLikeRecording } from './reader.js';
export type { RecordingReadStats } from './reader.js';
export { RECORD_FORMAT_VERSION } from './format.js';
export type { RecordHeader } from './format.js';
export { parseByteSize } from './size.js';
