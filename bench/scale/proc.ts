import { readFileSync } from 'node:fs';

/**
 * A process's memory and CPU time read from /proc/<pid> (Linux), so the figures are the worker
 * process's alone, not the bench's. CPU ticks are USER_HZ, 100 per second on Linux.
 */

const TICKS_PER_SECOND = 100;

export interface ProcMemory {
  rssMiB: number;
  /** Peak RSS since the process started (VmHWM). */
  peakRssMiB: number;
}

export function procMemory(pid: number): ProcMemory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { rssMiB: Math.round((kib('VmRSS') / 1024) * 10) / 10, peakRssMiB: Math.round((kib('VmHWM') / 1024) * 10) / 10 };
}

/** User + system CPU seconds the process has used so far (threads included). */
export function procCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after the name.
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** CPU% of one core over a window: 100 = one core busy the whole time. */
export function cpuPercent(cpuSecondsBefore: number, cpuSecondsAfter: number, wallMs: number): number {
  return Math.round(((cpuSecondsAfter - cpuSecondsBefore) / (wallMs / 1000)) * 1000) / 10;
}
