/** The sidekick's gRPC side: Saker's ingest stream and Falco 0.43's outputs service. */
export { createGrpcIngress } from './server.js';
export type { GrpcIngress, GrpcIngressOptions } from './server.js';
export { FalcoOutputsHub } from './outputs-hub.js';
export { falcoResponseOf, timestampOf } from './falco-response.js';
export type { FalcoOutputResponse, ProtoTimestamp } from './falco-response.js';
export { acceptBatch } from './publish-service.js';
export type { PublishAck, PublishRequest } from './publish-service.js';
export { PROTO_ROOT, PROTO_LOADER_OPTIONS, ingestServiceDefinition, falcoOutputsServiceDefinition } from './protos.js';
