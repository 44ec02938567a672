import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/PID/stat times; 100 on every Linux we run on. */
const TICKS = 100;

/** Resident set of a process in bytes (VmRSS), or NaN when it is gone. */
export function rssOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** CPU seconds (user + system) a process has used, all its threads included. */
function cpuSecondsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: count fields after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS;
  } catch {
    return NaN;
  }
}

/** Busy and total ticks of each core (/proc/stat cpuN lines); busy excludes idle and iowait. */
function coreTicks(): { busy: number; total: number }[] {
  return readFileSync('/proc/stat', 'utf8')
    .split('\n')
    .filter((l) => /^cpu\d/.test(l))
    .map((l) => {
      const t = l.split(/\s+/).slice(1, 9).map(Number);
      const total = t.reduce((a, b) => a + b, 0);
      return { busy: total - t[3]! - t[4]!, total };
    });
}

/** CPU use of some processes over an interval, as a fraction of one core. */
export class CpuMeter {
  private readonly start: number[];
  private readonly cores = coreTicks();
  private readonly t0 = performance.now();

  constructor(private readonly pids: number[]) {
    this.start = pids.map(cpuSecondsOf);
  }

  /** Fractions of one core since construction, one per pid (the generator's own included when given process.pid). */
  read(): number[] {
    const seconds = (performance.now() - this.t0) / 1000;
    return this.pids.map((pid, i) => (cpuSecondsOf(pid) - this.start[i]!) / seconds);
  }

  /**
   * How busy each core was since construction, whoever used it (0..1). Next to the server's and
   * generator's own CPU it shows how much other work shared their cores.
   */
  coreBusy(): number[] {
    return coreTicks().map((now, i) => {
      const was = this.cores[i]!;
      return now.total > was.total ? (now.busy - was.busy) / (now.total - was.total) : NaN;
    });
  }
}

/** Kernel counter of connections dropped because a listen queue was full (all sockets). */
export function listenOverflows(): number {
  const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n');
  for (let i = 0; i + 1 < lines.length; i += 2) {
    if (!lines[i]!.startsWith('TcpExt:')) continue;
    const names = lines[i]!.split(' ');
    const values = lines[i + 1]!.split(' ');
    const at = names.indexOf('ListenOverflows');
    if (at >= 0) return Number(values[at]);
  }
  return NaN;
}
