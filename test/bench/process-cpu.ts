/**
 * CPU time of processes, read from Linux's /proc: on a small shared machine wall-clock throughput
 * measures the scheduler as much as the code, while the CPU each process spends per message does
 * not. Elsewhere (no /proc) every reading is null and the benchmarks print throughput only.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ, 100 on every Linux architecture Node runs on
export const canReadCpu = existsSync('/proc/self/stat');

/** User + system CPU of one process so far, in ms; 0 once it has exited. */
function cpuMsOf(pid: number): number {
  try {
    // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** The PostgreSQL server processes serving database `name` (their titles name it). */
function backendsOf(name: string): number[] {
  return readdirSync('/proc').flatMap((entry) => {
    if (!/^\d+$/.test(entry)) return [];
    try {
      const title = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      return title.startsWith('postgres:') && title.split(' ').includes(name) ? [Number(entry)] : [];
    } catch {
      return []; // exited meanwhile
    }
  });
}

/** Busy and total CPU time of the whole machine so far, in ms (every core). */
function machineMs(): { busy: number; total: number } {
  const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).map(Number);
  const total = ticks.reduce((sum, t) => sum + t, 0);
  const idle = ticks[3]! + ticks[4]!; // idle, iowait
  return { busy: ((total - idle) * 1000) / TICKS_PER_SECOND, total: (total * 1000) / TICKS_PER_SECOND };
}

export interface CpuShare {
  /** CPU ms of each group over the interval. */
  ms: Record<string, number>;
  /** Wall ms of the interval. */
  wallMs: number;
  /** Busy share of all the machine's cores over the interval (every process, ours or not), 0–1. */
  machineBusy: number;
}

/**
 * Starts counting the CPU of named groups: `pids` (replicas), the PostgreSQL backends of
 * `database` (by name; backends that start meanwhile count from zero) and this process, as `self`.
 */
export function startCpuCount(groups: Record<string, number[]>, database?: string, self = 'load generator'): (() => CpuShare) | null {
  if (!canReadCpu) return null;
  const ownStart = process.cpuUsage();
  const started = performance.now();
  const machineStart = machineMs();
  const at = (pids: number[]) => new Map(pids.map((pid) => [pid, cpuMsOf(pid)]));
  const before = Object.fromEntries(Object.entries(groups).map(([name, pids]) => [name, at(pids)]));
  const backendsBefore = database ? at(backendsOf(database)) : new Map<number, number>();
  return () => {
    const spent = (start: Map<number, number>, pids: number[]) => pids.reduce((sum, pid) => sum + Math.max(0, cpuMsOf(pid) - (start.get(pid) ?? 0)), 0);
    const ms: Record<string, number> = Object.fromEntries(Object.entries(groups).map(([name, pids]) => [name, spent(before[name]!, pids)]));
    if (database) ms.PostgreSQL = spent(backendsBefore, [...new Set([...backendsBefore.keys(), ...backendsOf(database)])]);
    const own = process.cpuUsage(ownStart);
    ms[self] = (own.user + own.system) / 1000;
    const machine = machineMs();
    return { ms, wallMs: performance.now() - started, machineBusy: (machine.busy - machineStart.busy) / (machine.total - machineStart.total) };
  };
}
