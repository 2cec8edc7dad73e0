import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OUTBOX_FILE } from '../../../sidekick/index.js';
import { exited, freePort, SidekickProcesses } from './child-process.js';
import { FALCO_ALERT, removeDataDirs, startSidekick, webhookRoute, type RunningSidekick } from './harness.js';

/**
 * Group commit: requests that arrive in the same turn of the event loop share one outbox transaction.
 * To make "arrive together" certain rather than likely, requests go over raw keep-alive sockets that
 * are all written in one synchronous loop: the server, in this process, cannot read any of them before
 * the loop ends, so its next poll finds them all at once.
 */

const running: RunningSidekick[] = [];
const sockets: Socket[] = [];

/*
 * A webhook peer that accepts connections and never answers: every accepted alert stays owed to it, so
 * its row stays in the outbox for the checks below (an alert owed to no output is not stored at all).
 */
const hole = createServer((socket) => socket.on('data', () => undefined));
const holeUrl = (): string => `http://127.0.0.1:${(hole.address() as AddressInfo).port}/`;
const owedToHole = () => [webhookRoute('webhook', holeUrl())];
beforeAll(async () => {
  hole.listen(0, '127.0.0.1');
  await once(hole, 'listening');
});
// Its connections end with the sidekicks that opened them.
afterAll(() => hole.close());

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await Promise.all(running.splice(0).map((r) => r.stop()));
  removeDataDirs();
});

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

/** A keep-alive HTTP/1.1 connection that reads one response per request, in order. */
class Connection {
  private buffer = '';
  private waiting: ((answer: Answer) => void)[] = [];

  constructor(private readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      this.parse();
    });
  }

  static async open(port: number): Promise<Connection> {
    const socket = connect(port, '127.0.0.1');
    sockets.push(socket);
    await once(socket, 'connect');
    return new Connection(socket);
  }

  /** Writes the request now (synchronously handed to the kernel when the socket has room) and resolves with the answer. */
  send(path: string, body: unknown): Promise<Answer> {
    const text = JSON.stringify(body);
    const answer = new Promise<Answer>((resolve) => this.waiting.push(resolve));
    this.socket.write(
      `POST ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
    );
    return answer;
  }

  private parse(): void {
    for (;;) {
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const [statusLine = '', ...lines] = this.buffer.slice(0, end).split('\r\n');
      const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
      const length = Number(headers['content-length'] ?? 0);
      if (this.buffer.length < end + 4 + length) return;
      const body = this.buffer.slice(end + 4, end + 4 + length);
      this.buffer = this.buffer.slice(end + 4 + length);
      this.waiting.shift()?.({ status: Number(statusLine.split(' ')[1]), headers, body: body ? (JSON.parse(body) as Record<string, unknown>) : {} });
    }
  }
}

/** `count` connections, each already served once, so the server holds them all open and reading. */
async function connections(r: RunningSidekick, count: number): Promise<Connection[]> {
  const port = Number(new URL(r.url).port);
  const opened = await Promise.all(Array.from({ length: count }, () => Connection.open(port)));
  const warmUp = await Promise.all(opened.map((c, i) => c.send('/', alertNumbered(-1 - i))));
  expect(warmUp.map((a) => a.status)).toEqual(warmUp.map(() => 200));
  return opened;
}

/** One request on each connection, all written before the server can read any of them. */
function burst(conns: Connection[], body: (i: number) => unknown, path = '/'): Promise<Answer[]> {
  const answers: Promise<Answer>[] = [];
  for (let i = 0; i < conns.length; i++) answers.push((conns[i] as Connection).send(path, body(i)));
  return Promise.all(answers);
}

/** A Falco alert that names its request, so the outbox can be checked request by request. */
function alertNumbered(n: number, extra: Record<string, unknown> = {}): object {
  return { ...FALCO_ALERT, output_fields: { ...FALCO_ALERT.output_fields, 'test.request': n, ...extra } };
}

/** What the outbox file holds, read through a connection of its own: uuid → the request number. */
function outboxAlerts(dataDir: string): Map<string, number> {
  const db = new Database(join(dataDir, OUTBOX_FILE), { readonly: true });
  try {
    const rows = db.prepare('SELECT uuid, body FROM alerts').all() as { uuid: string; body: string }[];
    const byUuid = new Map<string, number>();
    for (const row of rows) byUuid.set(row.uuid, (JSON.parse(row.body) as { output_fields: Record<string, number> }).output_fields['test.request'] as number);
    return byUuid;
  } finally {
    db.close();
  }
}

async function metric(r: RunningSidekick, name: string): Promise<number> {
  const text = await (await fetch(`${r.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? 0 : Number(line.split(' ')[1]);
}

describe('group commit of ingest requests', () => {
  it('writes requests that arrive together in one outbox transaction, answers each with its own uuid, and stores each alert once', async () => {
    const r = await startSidekick({ routes: owedToHole });
    running.push(r);
    const N = 40;
    const conns = await connections(r, N);
    const commitsBefore = await metric(r, 'saker_sidekick_ingest_commits_total');

    const answers = await burst(conns, (i) => alertNumbered(i));

    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
    const commits = (await metric(r, 'saker_sidekick_ingest_commits_total')) - commitsBefore;
    // One commit per request is what group commit replaces; the burst arrives in one poll.
    expect(commits).toBeGreaterThanOrEqual(1);
    expect(commits).toBeLessThanOrEqual(N / 4);
    const stored = outboxAlerts(r.dataDir);
    const uuids = answers.map((a) => a.body.uuid as string);
    expect(new Set(uuids).size).toBe(N);
    uuids.forEach((uuid, i) => expect(stored.get(uuid), `request ${i}`).toBe(i));
    // The warm-up requests and the burst, each exactly once (uuid is UNIQUE in the outbox).
    expect(stored.size).toBe(2 * N);
  });

  it('answers 503 with a JSON reason to every request of a group whose commit fails, and commits the next group', async () => {
    const r = await startSidekick({ routes: owedToHole });
    running.push(r);
    const N = 30;
    const conns = await connections(r, N);
    // A real write failure inside the transaction: SQLite aborts any insert of an alert marked as poison.
    const saboteur = new Database(join(r.dataDir, OUTBOX_FILE));
    saboteur.exec(`CREATE TRIGGER poison BEFORE INSERT ON alerts WHEN NEW.body LIKE '%"poison":true%' BEGIN SELECT RAISE(ABORT, 'poisoned alert'); END`);
    saboteur.close();

    const POISON = 7;
    const first = await burst(conns, (i) => alertNumbered(i, i === POISON ? { poison: true } : {}));

    const poisoned = first[POISON] as Answer;
    expect(poisoned.status).toBe(503);
    expect(poisoned.body).toMatchObject({ code: 'SAKER_ERR_STORE_UNAVAILABLE', message: 'the outbox cannot be written' });
    expect(poisoned.headers['retry-after']).toBe('5');
    let stored = outboxAlerts(r.dataDir);
    // All or nothing per request: a 200 is on disk, a 503 is not (its whole group was rolled back).
    first.forEach((answer, i) => {
      expect([200, 503], `request ${i}`).toContain(answer.status);
      if (answer.status === 200) expect(stored.get(answer.body.uuid as string), `request ${i}`).toBe(i);
      else expect(answer.body).toMatchObject({ code: 'SAKER_ERR_STORE_UNAVAILABLE' });
    });
    const failed = first.filter((a) => a.status === 503).length;
    expect([...stored.values()].filter((n) => n >= 0)).toHaveLength(N - failed);
    expect(await metric(r, 'saker_sidekick_inputs_total{status="rejected",reason="store_unavailable"}')).toBe(failed);

    // The next group has no poison: every request of it is committed and answered 200.
    const second = await burst(conns, (i) => alertNumbered(100 + i));
    expect(second.map((a) => a.status)).toEqual(second.map(() => 200));
    stored = outboxAlerts(r.dataDir);
    second.forEach((answer, i) => expect(stored.get(answer.body.uuid as string)).toBe(100 + i));
    expect((await fetch(`${r.url}/healthz`)).status).toBe(200);
  });

  it('admits the requests of a group in arrival order while the outbox has room and answers the rest 503 outbox_full', async () => {
    // The peer never answers: every delivery stays pending, so the outbox only fills.
    try {
      const LIMIT = 50;
      const r = await startSidekick({
        env: { OUTBOX_MAXPENDING: String(LIMIT) },
        routes: owedToHole,
      });
      running.push(r);
      const N = 30;
      const conns = await connections(r, N); // N deliveries pending: room for LIMIT - N more
      const answers = await burst(conns, (i) => alertNumbered(i));
      const statuses = answers.map((a) => a.status);
      expect(statuses.filter((s) => s === 200)).toHaveLength(LIMIT - N);
      expect(statuses.filter((s) => s === 503)).toHaveLength(N - (LIMIT - N));
      for (const answer of answers.filter((a) => a.status === 503)) {
        expect(answer.body).toMatchObject({ code: 'SAKER_ERR_OUTBOX_FULL' });
        expect(answer.headers['retry-after']).toBe('1');
      }
      expect(r.sidekick.outbox.pendingCount).toBe(LIMIT);
      const stored = outboxAlerts(r.dataDir);
      for (const answer of answers.filter((a) => a.status === 200)) expect(stored.has(answer.body.uuid as string)).toBe(true);
    } finally {
      for (const socket of sockets.splice(0)) socket.destroy();
      await Promise.all(running.splice(0).map((r) => r.stop()));
    }
  });
});

describe('group commit and kill -9', () => {
  const processes = new SidekickProcesses();
  const dataDir = mkdtempSync(join(tmpdir(), 'saker-group-kill-'));
  afterAll(() => {
    try {
      processes.killAll();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('keeps on disk every alert answered 200 when the process is killed right after the answers (32 requests in flight)', async () => {
    const port = await freePort();
    const { child } = await processes.start(port, { DATADIR: dataDir, WEBUI_ENABLED: 'false', WEBHOOK_ADDRESS: holeUrl() });

    const KILL_AFTER = 600;
    const acked = new Map<string, number>();
    let killed = false;
    let next = 0;
    const worker = async () => {
      while (!killed) {
        const n = next++;
        try {
          const response = await fetch(`http://127.0.0.1:${port}/`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(alertNumbered(n)),
          });
          const body = (await response.json()) as { uuid?: string };
          if (response.status !== 200 || !body.uuid) continue;
          acked.set(body.uuid, n);
          // Killed in the same tick as the answer that reaches the threshold: nothing after the 200 can help.
          if (acked.size >= KILL_AFTER && child.pid) {
            killed = true;
            process.kill(-child.pid, 'SIGKILL');
          }
        } catch {
          // Refused or reset by the kill: never acknowledged, so not owed.
        }
      }
    };
    await Promise.all(Array.from({ length: 32 }, worker));
    await exited(child);
    expect(child.signalCode).toBe('SIGKILL');

    const stored = outboxAlerts(dataDir);
    const missing = [...acked].filter(([uuid, n]) => stored.get(uuid) !== n);
    expect(acked.size).toBeGreaterThanOrEqual(KILL_AFTER);
    expect(missing).toEqual([]);
  }, 120_000);
});
