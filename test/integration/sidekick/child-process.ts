import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { until } from './harness.js';

const REPO = fileURLToPath(new URL('../../..', import.meta.url));

/** A killed child has a null exitCode too, so look at both. */
export function running(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/** Resolves when the child has exited, also if it already has. */
export async function exited(child: ChildProcess): Promise<number | null> {
  if (running(child)) await once(child, 'exit');
  return child.exitCode;
}

/** A loopback port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

/** `saker sidekick` processes a test file starts, for crash tests (SIGKILL) and restarts. */
export class SidekickProcesses {
  private readonly children = new Set<ChildProcess>();

  /**
   * Starts `saker sidekick` on 127.0.0.1:`port` in its own process group (so cleanup can kill the whole
   * group), with `env` over the inherited environment, and resolves once it answers /ping.
   */
  async start(port: number, env: Record<string, string>): Promise<{ child: ChildProcess; stderr: () => string }> {
    // node with tsx's loader (what `npx tsx` runs), so the pid is the sidekick itself: kill -9 and the exit code are its own.
    const child = spawn(process.execPath, ['--import', 'tsx', 'cli/saker.ts', 'sidekick'], {
      cwd: REPO,
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, LISTENADDRESS: '127.0.0.1', LISTENPORT: String(port), LOGLEVEL: 'warn', ...env },
    });
    this.children.add(child);
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await until(
      'the sidekick to answer /ping',
      async () => {
        if (!running(child)) throw new Error(`sidekick exited early (${child.exitCode ?? child.signalCode}): ${stderr}`);
        return fetch(`http://127.0.0.1:${port}/ping`).then(
          (r) => r.ok,
          () => false,
        );
      },
      60_000,
    );
    return { child, stderr: () => stderr };
  }

  /** Kills every process group still running. */
  killAll(): void {
    for (const child of this.children) if (running(child) && child.pid) process.kill(-child.pid, 'SIGKILL');
  }
}
