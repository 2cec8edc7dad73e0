import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { waitFor } from '../../support/wait.js';

/** A `saker` command running as its own process, as a user or a container would start it. */
export interface CliProcess {
  child: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  /** Resolves once stdout contains `text`; fails early, with the output, if the process exits. */
  untilPrinted(text: string, limitMs?: number): Promise<void>;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL if it has not exited after `graceMs`; resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
}

/**
 * Starts `saker <args>` from the sources through tsx (as the packaging tests do, so the test does not
 * depend on a fresh `npm run build`) with exactly the environment given, plus PATH and HOME.
 */
export function startCli(args: readonly string[], env: Record<string, string>): CliProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'cli/saker.ts', ...args], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', ...env },
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    async untilPrinted(text, limitMs = 90_000) {
      await waitFor(
        () => {
          if (out.includes(text)) return true;
          if (child.exitCode !== null) throw new Error(`saker ${args.join(' ')} exited with ${child.exitCode} before printing '${text}':\n${out}\n${err}`);
          return undefined;
        },
        `saker ${args.join(' ')} to print '${text}'`,
        { limitMs, everyMs: 100, detail: () => `stdout: ${out.slice(-500)} stderr: ${err.slice(-1500)}` },
      );
    },
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
