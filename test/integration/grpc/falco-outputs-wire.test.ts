import { Client, credentials, Metadata } from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { FALCO_ALERT, removeDataDirs, startSidekick, type RunningSidekick } from '../sidekick/harness.js';

/**
 * What a client generated from Falco's own .proto files reads off the wire. Nothing here loads our
 * proto/falco/*.proto: the server's bytes are read tag by tag and compared with field numbers, wire
 * types and enum values written down from Falco's definitions (client-py protos/outputs.proto and
 * protos/schema.proto, and Falco's userspace/falco/outputs_grpc.cpp for how each field is filled), so a
 * wrong number in our .proto fails here even though our own client and server would agree with it.
 */

/** `falco.outputs.response` field numbers. */
const FIELD = { time: 1, priority: 2, source_deprecated: 3, rule: 4, output: 5, output_fields: 6, hostname: 7, tags: 8, source: 9 } as const;
/** Protobuf wire types. */
const VARINT = 0;
const LENGTH_DELIMITED = 2;
/** `falco.schema.priority`: syslog order. */
const PRIORITY = { Emergency: 0, Alert: 1, Critical: 2, Error: 3, Warning: 4, Notice: 5, Informational: 6, Debug: 7 } as const;
/** `falco.schema.source`. */
const SOURCE = { SYSCALL: 0, K8S_AUDIT: 1, INTERNAL: 2, PLUGIN: 3 } as const;

interface WireField {
  number: number;
  wireType: number;
  /** Varints as bigint (an int64 may not fit a double); length-delimited fields as their bytes. */
  value: bigint | Uint8Array;
}

function fieldsOf(bytes: Uint8Array): WireField[] {
  const reader = protobuf.Reader.create(bytes);
  const fields: WireField[] = [];
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    const number = tag >>> 3;
    const wireType = tag & 7;
    if (wireType === VARINT) fields.push({ number, wireType, value: BigInt(reader.uint64().toString()) });
    else if (wireType === LENGTH_DELIMITED) fields.push({ number, wireType, value: reader.bytes() });
    else throw new Error(`field ${number}: wire type ${wireType} is not used by falco.outputs.response`);
  }
  return fields;
}

const text = (value: bigint | Uint8Array) => Buffer.from(value as Uint8Array).toString('utf8');

/** The response decoded by field number, checking each wire type on the way. */
function decodeResponse(bytes: Uint8Array) {
  const decoded = { fieldNumbers: [] as number[], seconds: 0n, nanos: 0n, priority: 0n, sourceDeprecated: 0n, rule: '', output: '', outputFields: {} as Record<string, string>, hostname: '', tags: [] as string[], source: '' };
  for (const { number, wireType, value } of fieldsOf(bytes)) {
    decoded.fieldNumbers.push(number);
    const varint = number === FIELD.priority || number === FIELD.source_deprecated;
    expect(wireType, `wire type of field ${number}`).toBe(varint ? VARINT : LENGTH_DELIMITED);
    switch (number) {
      case FIELD.time:
        // google.protobuf.Timestamp: seconds = 1 (int64), nanos = 2 (int32).
        for (const inner of fieldsOf(value as Uint8Array)) {
          if (inner.number === 1) decoded.seconds = inner.value as bigint;
          else if (inner.number === 2) decoded.nanos = inner.value as bigint;
          else throw new Error(`Timestamp has no field ${inner.number}`);
        }
        break;
      case FIELD.priority:
        decoded.priority = value as bigint;
        break;
      case FIELD.source_deprecated:
        decoded.sourceDeprecated = value as bigint;
        break;
      case FIELD.rule:
        decoded.rule = text(value);
        break;
      case FIELD.output:
        decoded.output = text(value);
        break;
      case FIELD.output_fields: {
        // A map entry: key = 1, value = 2, both strings.
        let key = '';
        let entry = '';
        for (const inner of fieldsOf(value as Uint8Array)) {
          if (inner.number === 1) key = text(inner.value);
          else if (inner.number === 2) entry = text(inner.value);
          else throw new Error(`map entry has no field ${inner.number}`);
        }
        decoded.outputFields[key] = entry;
        break;
      }
      case FIELD.hostname:
        decoded.hostname = text(value);
        break;
      case FIELD.tags:
        decoded.tags.push(text(value));
        break;
      case FIELD.source:
        decoded.source = text(value);
        break;
      default:
        throw new Error(`falco.outputs.response has no field ${number}`);
    }
  }
  return decoded;
}

/** Calls `/falco.outputs.service/get` with an empty request and returns each response's raw bytes. */
function rawGet(address: string): Promise<Buffer[]> {
  const client = new Client(address, credentials.createInsecure());
  return new Promise<Buffer[]>((resolve, reject) => {
    const received: Buffer[] = [];
    const call = client.makeServerStreamRequest(
      '/falco.outputs.service/get',
      () => Buffer.alloc(0), // `falco.outputs.request` has no fields
      (bytes: Buffer) => bytes,
      {},
      new Metadata(),
    );
    call.on('data', (bytes: Buffer) => received.push(bytes));
    call.on('error', (error: Error) => {
      client.close();
      reject(error);
    });
    call.on('end', () => {
      client.close();
      resolve(received);
    });
  });
}

let running: RunningSidekick | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});
afterAll(() => removeDataDirs());

describe('falco.outputs.service on the wire, read against field numbers taken from Falco', () => {
  it('encodes every field of falco.outputs.response under Falco’s number, wire type and enum value', async () => {
    running = await startSidekick({
      env: { GRPC_ENABLED: 'true' },
      routes: () => [],
      tweak: (config) => {
        config.grpc.listenport = 0 as number;
      },
    });
    const address = `127.0.0.1:${running.sidekick.grpc?.port}`;
    const base = { ...FALCO_ALERT, time: '2019-05-17T15:31:56.746609046Z', output_fields: { 'fd.name': '/bin/hack', 'proc.pid': 4242, 'proc.is_exe_upper_layer': false } };
    const posted = [
      base,
      { ...base, rule: 'plugin', source: 'aws_cloudtrail', priority: 'info', tags: [] },
      { ...base, rule: 'audit', source: 'k8s_audit', priority: 'Warning' },
      { ...base, rule: 'internal', source: 'internal', priority: 'Emergency' },
      { ...base, rule: 'critical', priority: 'Critical' },
      { ...base, rule: 'notice', priority: 'Notice' },
      { ...base, rule: 'alert', priority: 'Alert' },
      { ...base, rule: 'debug', priority: 'Debug' },
    ];
    for (const alert of posted) expect((await running.post('/', alert)).status).toBe(200);

    const responses = (await rawGet(address)).map(decodeResponse);
    expect(responses).toHaveLength(posted.length);

    const [first] = responses;
    expect(first).toEqual({
      // A zero enum value (source_deprecated SYSCALL) may be on the wire or left off: both decode to 0.
      fieldNumbers: expect.arrayContaining([FIELD.time, FIELD.priority, FIELD.rule, FIELD.output, FIELD.output_fields, FIELD.hostname, FIELD.tags, FIELD.source]),
      seconds: 1558107116n,
      nanos: 746609046n,
      priority: BigInt(PRIORITY.Error),
      sourceDeprecated: BigInt(SOURCE.SYSCALL),
      rule: 'Write below binary dir',
      output: FALCO_ALERT.output,
      // Strings as they are, other values in their JSON spelling.
      outputFields: { 'fd.name': '/bin/hack', 'proc.pid': '4242', 'proc.is_exe_upper_layer': 'false' },
      hostname: 'falco-node-1',
      tags: ['filesystem', 'mitre_persistence'],
      source: 'syscall',
    });

    const byRule = new Map(responses.map((response) => [response.rule, response]));
    // A source Falco's enum cannot name is PLUGIN in the deprecated field; its name travels in field 9.
    expect(byRule.get('plugin')).toMatchObject({ priority: BigInt(PRIORITY.Informational), sourceDeprecated: BigInt(SOURCE.PLUGIN), source: 'aws_cloudtrail', tags: [] });
    expect(byRule.get('plugin')?.fieldNumbers).toContain(FIELD.source_deprecated);
    expect(byRule.get('audit')).toMatchObject({ priority: BigInt(PRIORITY.Warning), sourceDeprecated: BigInt(SOURCE.K8S_AUDIT), source: 'k8s_audit' });
    expect(byRule.get('internal')).toMatchObject({ priority: BigInt(PRIORITY.Emergency), sourceDeprecated: BigInt(SOURCE.INTERNAL), source: 'internal' });
    expect(byRule.get('critical')?.priority).toBe(BigInt(PRIORITY.Critical));
    expect(byRule.get('notice')?.priority).toBe(BigInt(PRIORITY.Notice));
    expect(byRule.get('alert')?.priority).toBe(BigInt(PRIORITY.Alert));
    expect(byRule.get('debug')?.priority).toBe(BigInt(PRIORITY.Debug));
  });
});
