import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Alert } from '../../../contract/index.js';

/** A fresh temp folder and the function that removes it. */
export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A plain alert at `minutesAgo` before `now`, overridable. */
export function alertAt(minutesAgo: number, overrides: Partial<Alert> = {}, now = Date.now()): Alert {
  const time = new Date(now - minutesAgo * 60_000).toISOString().replace('Z', '000000Z');
  return {
    time,
    rule: 'Terminal shell in container',
    priority: 'Notice',
    source: 'syscall',
    hostname: 'node-1',
    output: `${time.slice(11, 29)}: Notice A shell was spawned (user=root cmdline=bash -i)`,
    output_fields: { 'proc.cmdline': 'bash -i', 'proc.name': 'bash', 'user.name': 'root', 'proc.pid': 42 },
    tags: ['shell', 'container'],
    uuid: randomUUID(),
    ...overrides,
  };
}

/** One server-sent event as the stream frames it. */
export interface SseEvent {
  id?: string;
  data: string;
}

/**
 * Reads server-sent events from `url` until `count` have arrived or `timeoutMs` passes (then returns
 * what it has), and closes the connection.
 */
export async function readEvents(url: string, count: number, timeoutMs: number, headers: Record<string, string> = {}): Promise<SseEvent[]> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const events: SseEvent[] = [];
  try {
    const response = await fetch(url, { headers, signal: controller.signal });
    if (!response.ok || !response.body) throw new Error(`stream answered ${response.status}`);
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of response.body) {
      buffer += decoder.decode(chunk as Uint8Array, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event: SseEvent = { data: '' };
        let hasData = false;
        for (const line of frame.split('\n')) {
          if (line.startsWith('id: ')) event.id = line.slice(4);
          if (line.startsWith('data: ')) {
            event.data += line.slice(6);
            hasData = true;
          }
        }
        if (hasData) events.push(event);
        if (events.length >= count) return events;
      }
    }
  } catch (error) {
    if (!controller.signal.aborted) throw error;
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return events;
}

/** Polls `check` every 20 ms until it is true or `timeoutMs` passes; returns its last answer. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
}
