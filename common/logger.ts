import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

export const LOG_LEVELS: readonly LevelWithSilent[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

export interface LoggerOptions {
  level?: LevelWithSilent;
  /** Human-readable lines instead of JSON; defaults to whether stderr is a terminal. */
  pretty?: boolean;
  name?: string;
}

/**
 * Creates the process logger: pino JSON lines on stderr (stdout is kept for alerts and command
 * output), pretty-printed when stderr is a terminal.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const pretty = options.pretty ?? process.stderr.isTTY === true;
  const base = { level: options.level ?? 'info', name: options.name ?? 'saker' };
  if (pretty) {
    return pino({
      ...base,
      transport: { target: 'pino-pretty', options: { destination: 2, colorize: true, translateTime: 'SYS:standard' } },
    });
  }
  return pino(base, pino.destination({ dest: 2, sync: false }));
}
