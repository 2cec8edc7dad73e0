import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

/** One thing the live driver needs and does not have, with how to fix it. */
export interface PreflightProblem {
  code: 'SAKER_ERR_LIVE_PRIVILEGES' | 'SAKER_ERR_LIVE_BTF' | 'SAKER_ERR_LIVE_BPFTRACE' | 'SAKER_ERR_LIVE_TRACEFS';
  message: string;
}

const CAP_PERFMON = 38n;
const CAP_BPF = 39n;
const TRACEFS = '/sys/kernel/tracing';

function effectiveCapabilities(): bigint {
  const line = readFileSync('/proc/self/status', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('CapEff:'));
  return line ? BigInt(`0x${line.slice(7).trim()}`) : 0n;
}

function hasCapability(caps: bigint, cap: bigint): boolean {
  return (caps & (1n << cap)) !== 0n;
}

/** Finds an executable on PATH. */
function which(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    const candidate = `${dir}/${command}`;
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Checks what the live eBPF driver needs: root or CAP_BPF+CAP_PERFMON, a kernel with BTF, bpftrace,
 * and tracefs (mounted here when missing and allowed). Returns every problem found, each saying how
 * to fix it; an empty list means the driver can start.
 */
export function livePreflight(bpftrace = 'bpftrace'): PreflightProblem[] {
  const problems: PreflightProblem[] = [];
  const caps = effectiveCapabilities();
  const root = process.getuid?.() === 0;
  if (!root && !(hasCapability(caps, CAP_BPF) && hasCapability(caps, CAP_PERFMON))) {
    problems.push({
      code: 'SAKER_ERR_LIVE_PRIVILEGES',
      message:
        'the live driver needs root or the CAP_BPF and CAP_PERFMON capabilities: run it with sudo, or in a container with `privileged: true` and `pid: host`',
    });
  }
  if (!existsSync('/sys/kernel/btf/vmlinux')) {
    problems.push({
      code: 'SAKER_ERR_LIVE_BTF',
      message: 'this kernel has no BTF (/sys/kernel/btf/vmlinux is missing): use a kernel built with CONFIG_DEBUG_INFO_BTF=y (most distributions since 2020)',
    });
  }
  if (!bpftrace.includes('/') && !which(bpftrace)) {
    problems.push({
      code: 'SAKER_ERR_LIVE_BPFTRACE',
      message: 'bpftrace is not installed: `apt-get install bpftrace` (Debian/Ubuntu) or `dnf install bpftrace`; the Saker container image includes it',
    });
  }
  if (!existsSync(`${TRACEFS}/events`) && root) {
    try {
      execFileSync('mount', ['-t', 'tracefs', 'nodev', TRACEFS], { stdio: 'ignore' });
    } catch {
      // reported below
    }
  }
  if (!existsSync(`${TRACEFS}/events`) && !existsSync('/sys/kernel/debug/tracing/events')) {
    problems.push({
      code: 'SAKER_ERR_LIVE_TRACEFS',
      message: `tracefs is not mounted: \`mount -t tracefs nodev ${TRACEFS}\`, or mount the host's ${TRACEFS} into the container`,
    });
  }
  return problems;
}
