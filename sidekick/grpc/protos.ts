import { join } from 'node:path';
import { loadPackageDefinition, type GrpcObject, type ServiceDefinition } from '@grpc/grpc-js';
import { loadSync, type Options } from '@grpc/proto-loader';
import { PACKAGE_ROOT } from '../../common/package-info.js';

/** Where the .proto files ship: `proto/` at the package root (listed in package.json `files`). */
export const PROTO_ROOT = join(PACKAGE_ROOT, 'proto');

/**
 * Field names as written in the .proto (`output_fields`, `batch_id`), int64 as JS numbers (seconds
 * since the epoch fit), enums as numbers, and absent fields filled with defaults when decoding.
 */
export const PROTO_LOADER_OPTIONS: Options = { keepCase: true, longs: Number, enums: Number, defaults: true, arrays: true, oneofs: true };

function service(file: string, path: readonly string[], includeDir: string): ServiceDefinition {
  const root = loadPackageDefinition(loadSync(join(includeDir, file), { ...PROTO_LOADER_OPTIONS, includeDirs: [includeDir] }));
  let node: unknown = root;
  for (const name of path) node = (node as GrpcObject)[name];
  const definition = (node as { service?: ServiceDefinition } | undefined)?.service;
  if (!definition) throw new Error(`service ${path.join('.')} not found in ${file}`);
  return definition;
}

/** Saker's own ingest service (`saker.v1.Ingest`). */
export function ingestServiceDefinition(): ServiceDefinition {
  return service('saker/v1/ingest.proto', ['saker', 'v1', 'Ingest'], PROTO_ROOT);
}

/** Falco 0.43's `falco.outputs.service`, loaded from our wire-compatible copy. */
export function falcoOutputsServiceDefinition(): ServiceDefinition {
  return service('outputs.proto', ['falco', 'outputs', 'service'], join(PROTO_ROOT, 'falco'));
}
