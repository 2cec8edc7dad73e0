/** The CLI's exit codes: 0 ok, 1 failure, 2 usage error. */
export const EXIT = { OK: 0, FAILURE: 1, USAGE: 2 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
