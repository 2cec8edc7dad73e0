import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloudtrailReadStats, readCloudtrail } from '../../../detector/sources/cloudtrail/index.js';
import type { CloudtrailSkip } from '../../../detector/sources/cloudtrail/index.js';
import type { JsonEvent } from '../../../detector/sources/json-event.js';
import { AuditReadStats, parseAuditPayload, readAuditFile } from '../../../detector/sources/k8s-audit/index.js';
import type { AuditSkip } from '../../../detector/sources/k8s-audit/index.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'saker-plugin-readers-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function collectAll(events: AsyncIterable<JsonEvent>): Promise<JsonEvent[]> {
  const out: JsonEvent[] = [];
  for await (const event of events) {
    out.push(event);
    if (out.length > 1000) throw new Error('runaway reader');
  }
  return out;
}

const auditEvent = (id: string, stamp: string | null = '2026-11-22T10:00:00.000001Z') => ({
  kind: 'Event',
  apiVersion: 'audit.k8s.io/v1',
  auditID: id,
  verb: 'get',
  ...(stamp === null ? {} : { stageTimestamp: stamp }),
});

describe('k8s audit payloads', () => {
  it('accept an Event, an EventList and arrays of them, timed by stageTimestamp', () => {
    const list = { kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items: [auditEvent('b'), auditEvent('c')] };
    const { events, skips } = parseAuditPayload([auditEvent('a'), list, [auditEvent('d')]]);
    expect(skips).toEqual([]);
    expect(events.map((e) => e.doc.auditID)).toEqual(['a', 'b', 'c', 'd']);
    expect(events[0]?.time).toBe(1_795_341_600_000_001_000n);
  });

  it('skip, with a reason, events without a usable stageTimestamp and payloads that are not audit events', () => {
    const { events, skips } = parseAuditPayload([
      auditEvent('ok'),
      auditEvent('untimed', null),
      auditEvent('badtime', 'last tuesday'),
      { kind: 'Pod' },
      42,
    ]);
    expect(events.map((e) => e.doc.auditID)).toEqual(['ok']);
    expect(skips.map((s) => s.reason)).toEqual(['missing-stage-timestamp', 'bad-stage-timestamp', 'not-audit-event', 'not-audit-event']);
  });

  it('skip events larger than maxEventSize', () => {
    const big = { ...auditEvent('big'), requestObject: { data: 'x'.repeat(2000) } };
    const { events, skips } = parseAuditPayload([big, auditEvent('small')], { maxEventSize: 1000 });
    expect(events.map((e) => e.doc.auditID)).toEqual(['small']);
    expect(skips.map((s) => s.reason)).toEqual(['too-large']);
  });

  it('survive deeply nested arrays without recursion', () => {
    let nested: unknown = auditEvent('deep');
    for (let i = 0; i < 50_000; i++) nested = [nested];
    const { events } = parseAuditPayload(nested as never);
    expect(events).toHaveLength(1);
  });
});

describe('k8s audit file reader', () => {
  it('reads one JSON document (EventList) per file', async () => {
    const file = join(dir, 'list.json');
    await writeFile(file, JSON.stringify({ kind: 'EventList', items: [auditEvent('1'), auditEvent('2')] }, null, 2));
    const events = await collectAll(readAuditFile(file));
    expect(events.map((e) => e.doc.auditID)).toEqual(['1', '2']);
  });

  it('reads JSON lines, skipping and counting malformed lines and untimed events', async () => {
    const file = join(dir, 'audit.log');
    const lines = [
      JSON.stringify(auditEvent('1')),
      '{"kind":"Event","auditID":"broken",',
      '',
      JSON.stringify(auditEvent('2', null)),
      JSON.stringify([auditEvent('3'), auditEvent('4')]),
    ];
    await writeFile(file, lines.join('\n') + '\n');
    const stats = new AuditReadStats();
    const skips: AuditSkip[] = [];
    const events = await collectAll(readAuditFile(file, { stats, onSkip: (s) => skips.push(s) }));
    expect(events.map((e) => e.doc.auditID)).toEqual(['1', '3', '4']);
    expect(stats.events).toBe(3);
    expect(stats.skipped.get('malformed-json')).toBe(1);
    expect(stats.skipped.get('missing-stage-timestamp')).toBe(1);
    expect(stats.totalSkipped).toBe(2);
    expect(skips[0]?.where).toBe(`${file}:2`);
  });

  it('reads gzip-compressed files', async () => {
    const file = join(dir, 'audit.log.gz');
    await writeFile(file, gzipSync(JSON.stringify(auditEvent('z')) + '\n'));
    const events = await collectAll(readAuditFile(file));
    expect(events.map((e) => e.doc.auditID)).toEqual(['z']);
  });

  it('still reads the good lines of a JSON-lines file whose first line is malformed', async () => {
    const file = join(dir, 'bad-first.log');
    await writeFile(file, ['{oops', JSON.stringify(auditEvent('1')), JSON.stringify(auditEvent('2'))].join('\n'));
    const skips: AuditSkip[] = [];
    const events = await collectAll(readAuditFile(file, { onSkip: (s) => skips.push(s) }));
    expect(events.map((e) => e.doc.auditID)).toEqual(['1', '2']);
    expect(skips).toEqual([expect.objectContaining({ reason: 'malformed-json', where: `${file}:1` })]);
  });

  it('handles CRLF line ends and a byte-order mark, and numbers events from 1', async () => {
    const file = join(dir, 'crlf.log');
    await writeFile(file, '\ufeff' + JSON.stringify(auditEvent('1')) + '\r\n' + JSON.stringify(auditEvent('2')) + '\r\n');
    const events = await collectAll(readAuditFile(file));
    expect(events.map((e) => [e.num, e.doc.auditID])).toEqual([[1, '1'], [2, '2']]);
  });

  it('fails with SAKER_ERR_SOURCE_FORMAT for corrupt gzip', async () => {
    const file = join(dir, 'corrupt.log.gz');
    await writeFile(file, Buffer.concat([gzipSync(JSON.stringify(auditEvent('1'))).subarray(0, 12), Buffer.from('garbage-garbage')]));
    await expect(collectAll(readAuditFile(file))).rejects.toMatchObject({ code: 'SAKER_ERR_SOURCE_FORMAT' });
  });

  it('fails with SAKER_ERR_SOURCE_OPEN for a missing file', async () => {
    await expect(collectAll(readAuditFile(join(dir, 'nope.json')))).rejects.toMatchObject({ code: 'SAKER_ERR_SOURCE_OPEN' });
  });
});

const record = (name: string, extra: Record<string, unknown> = {}) => ({
  eventVersion: '1.08',
  userIdentity: { type: 'Root', userName: 'root' },
  eventTime: '2026-11-22T10:00:00Z',
  eventSource: 'iam.amazonaws.com',
  eventName: name,
  awsRegion: 'us-east-1',
  sourceIPAddress: '203.0.113.1',
  eventType: 'AwsApiCall',
  ...extra,
});

describe('CloudTrail reader', () => {
  it('reads a {"Records":[…]} file, one event per record timed by eventTime', async () => {
    const file = join(dir, 'one.json');
    await writeFile(file, JSON.stringify({ Records: [record('A'), record('B', { eventTime: '2026-11-22T10:00:01Z' })] }));
    const events = await collectAll(readCloudtrail(file));
    expect(events.map((e) => e.doc.eventName)).toEqual(['A', 'B']);
    expect(events[1]?.time).toBe(1_795_341_601_000_000_000n);
  });

  it('reads a directory recursively in sorted order, .json and .json.gz only', async () => {
    const root = join(dir, 'AWSLogs');
    await mkdir(join(root, 'us-east-1', '2026', '11'), { recursive: true });
    await mkdir(join(root, 'eu-west-1'), { recursive: true });
    await writeFile(join(root, 'us-east-1', '2026', '11', 'b.json.gz'), gzipSync(JSON.stringify({ Records: [record('Gz')] })));
    await writeFile(join(root, 'us-east-1', '2026', '11', 'a.json'), JSON.stringify({ Records: [record('Plain')] }));
    await writeFile(join(root, 'eu-west-1', 'c.json'), JSON.stringify({ Records: [record('Eu')] }));
    await writeFile(join(root, 'eu-west-1', 'notes.txt'), 'not a log');
    const stats = new CloudtrailReadStats();
    const events = await collectAll(readCloudtrail(root, { stats }));
    expect(events.map((e) => e.doc.eventName)).toEqual(['Eu', 'Plain', 'Gz']);
    expect(stats.files).toBe(3);
    expect(stats.events).toBe(3);
  });

  it('skips malformed files, corrupt gzip and untimed, untyped or Insights records, and keeps going', async () => {
    const root = join(dir, 'mixed');
    await mkdir(root, { recursive: true });
    await writeFile(join(root, '1-broken.json'), '{"Records":[{"eventName":');
    await writeFile(join(root, '2-corrupt.json.gz'), Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x01, 0x02]));
    await writeFile(join(root, '3-other.json'), JSON.stringify({ hello: 'world' }));
    await writeFile(
      join(root, '4-records.json'),
      JSON.stringify({
        Records: [
          record('Good'),
          record('NoTime', { eventTime: undefined }),
          record('BadTime', { eventTime: '22/11/2026' }),
          record('NoType', { eventType: undefined }),
          record('Insight', { eventType: 'AwsCloudTrailInsight' }),
          'not a record',
        ],
      }),
    );
    const skips: CloudtrailSkip[] = [];
    const events = await collectAll(readCloudtrail(root, { onSkip: (s) => skips.push(s) }));
    expect(events.map((e) => e.doc.eventName)).toEqual(['Good']);
    expect(skips.map((s) => s.reason)).toEqual([
      'malformed-json',
      'bad-gzip',
      'not-cloudtrail',
      'missing-event-time',
      'bad-event-time',
      'missing-event-type',
      'insight',
      'bad-record',
    ]);
  });

  it('fails with SAKER_ERR_SOURCE_OPEN for a missing path or a directory without logs', async () => {
    await expect(collectAll(readCloudtrail(join(dir, 'missing')))).rejects.toMatchObject({ code: 'SAKER_ERR_SOURCE_OPEN' });
    const empty = join(dir, 'empty');
    await mkdir(empty, { recursive: true });
    await expect(collectAll(readCloudtrail(empty))).rejects.toMatchObject({ code: 'SAKER_ERR_SOURCE_OPEN' });
  });
});
