/**
 * The host half of `saker demo`: harmless actions that look like an intrusion to Saker's syscall
 * rules (rules/saker_rules.yaml). Each runs a short-lived child process with a command line that
 * says what it is, touches only a scratch folder, a scratch file it removes again, or loopback, and
 * trips exactly one rule. The live detector sees them as it sees any process on the host.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** Where an action may write: a private temporary folder, removed when the demo ends. */
export interface DemoScratch {
  dir: string;
  /** A short random tag for names outside `dir`, so a scratch file can never hit a real one. */
  tag: string;
  /** Registers what to undo when the demo ends (after it has waited for the alerts). */
  atEnd(undo: () => void): void;
}

/** An action was not performed, for a reason the user can act on (not root, a tool missing). */
export class DemoSkip extends Error {}

/** One suspicious-looking action, the rule it should trip, and how to perform it. */
export interface HostAction {
  action: string;
  rule: string;
  /** Performs the action and removes what it created; resolves to what it did, in a few words. */
  run(scratch: DemoScratch): Promise<string>;
}

/** Runs a program with no input or output and resolves when it exits 0. */
function runQuietly(file: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: 'ignore', env });
    child.on('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'ENOENT' ? new DemoSkip(`${file} is not installed`) : error);
    });
    child.on('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${[file, ...args].join(' ')} exited with ${signal ?? `code ${code}`}`));
    });
  });
}

/** Starts a program with no input or output and resolves once it runs (it is left running). */
function startQuietly(file: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: 'ignore', env });
    child.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'ENOENT' ? new DemoSkip(`${file} is not installed`) : error));
    child.once('spawn', () => resolve(child));
  });
}

/** Skips the action unless this process may open `path` the way the action needs. */
function requireAccess(path: string, mode: number, why: string): void {
  try {
    accessSync(path, mode);
  } catch {
    throw new DemoSkip(`${why} (run the demo as root)`);
  }
}

const CREDENTIAL_FILE = '/etc/shadow';
/** Upper bound on the terminal shell's life, should the demo die before it can end it. */
const TERMINAL_SHELL_SECONDS = 120;
const WATCHED_DIR = '/etc';

/** The actions, in the order the demo performs them. */
export const HOST_ACTIONS: readonly HostAction[] = [
  {
    action: `read ${CREDENTIAL_FILE} with cat, a program that has no business reading passwords`,
    rule: 'Credential file read by untrusted program',
    async run() {
      requireAccess(CREDENTIAL_FILE, constants.R_OK, `only root can read ${CREDENTIAL_FILE}`);
      // The contents go to /dev/null: the open is what the rule sees.
      await runQuietly('cat', [CREDENTIAL_FILE]);
      return `cat ${CREDENTIAL_FILE} > /dev/null`;
    },
  },
  {
    action: 'give a shell a terminal with script(1), as attackers upgrade a reverse shell',
    rule: 'Shell given a terminal by an interpreter or script',
    async run(scratch) {
      // script runs `$SHELL -c …` on a new pseudo-terminal. The shell stays up until the demo ends
      // (at most TERMINAL_SHELL_SECONDS), so the detector reads its terminal from /proc however far
      // behind a busy host puts it. It execs sleep rather than forking it, so one process holds the
      // terminal, and ending script (which closes the terminal) ends it.
      const command = `exec sleep ${TERMINAL_SHELL_SECONDS}`;
      const script = await startQuietly('script', ['-qec', command, '/dev/null'], { ...process.env, SHELL: '/bin/sh' });
      scratch.atEnd(() => script.kill('SIGTERM'));
      return `script -qec '${command}' /dev/null (shell: /bin/sh, ended with the demo)`;
    },
  },
  {
    action: `write a scratch file below ${WATCHED_DIR} with a shell, then remove it`,
    rule: 'Write below system configuration or binary directories',
    async run(scratch) {
      requireAccess(WATCHED_DIR, constants.W_OK, `only root can write below ${WATCHED_DIR}`);
      const file = join(WATCHED_DIR, `saker-demo-${scratch.tag}`);
      try {
        await runQuietly('sh', ['-c', `: > ${file}`]);
      } finally {
        rmSync(file, { force: true });
      }
      return `sh -c ': > ${file}' (removed)`;
    },
  },
  {
    action: 'open a TCP connection from a shell to a listener on 127.0.0.1',
    rule: 'Unexpected outbound connection',
    async run() {
      const server = createServer((socket) => socket.end());
      await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as { port: number };
      try {
        await runQuietly('bash', ['-c', `exec 3<>/dev/tcp/127.0.0.1/${port}; exec 3>&-`]);
      } finally {
        server.close();
      }
      return `bash -c 'exec 3<>/dev/tcp/127.0.0.1/${port}'`;
    },
  },
  {
    action: 'set the setuid bit on a scratch file',
    rule: 'Setuid or setgid bit set on a file',
    async run(scratch) {
      const file = join(scratch.dir, 'setuid-demo');
      writeFileSync(file, '#!/bin/sh\n', { mode: 0o700 });
      await runQuietly('chmod', ['u+s', file]);
      return `chmod u+s ${file}`;
    },
  },
];
