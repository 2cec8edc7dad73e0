/** The detector's side of the link to the sidekick: spool on disk, send in batches, retry. */
export { AlertSpool } from './spool.js';
export type { SpoolOptions, SpooledAlert } from './spool.js';
export { HttpSink } from './http-sink.js';
export type { HttpSinkOptions } from './http-sink.js';
export { GrpcSink, readPem } from './grpc-sink.js';
export type { GrpcSinkOptions } from './grpc-sink.js';
export type { AlertSink, SinkResult } from './sink.js';
export { AlertEmitter } from './emitter.js';
export type { EmitterOptions, EmitterStats } from './emitter.js';
