import { readFileSync } from 'node:fs';

/** Resident memory of a process from /proc (Linux): current (VmRSS) and peak so far (VmHWM), in bytes. */
export function memoryOf(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

/** Samples VmRSS every `everyMs` until stopped; reports the largest value seen and the peak (VmHWM) at the end. */
export function sampleRss(pid: number, everyMs = 10): { stop(): { maxRss: number; hwm: number } } {
  let maxRss = memoryOf(pid).rss;
  const timer = setInterval(() => {
    try {
      maxRss = Math.max(maxRss, memoryOf(pid).rss);
    } catch {
      // the process ended
    }
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      const end = memoryOf(pid);
      return { maxRss: Math.max(maxRss, end.rss), hwm: end.hwm };
    },
  };
}

/** CPU time a process has used so far (user + system), in seconds; Linux clock ticks are 1/100 s. */
export function cpuSecondsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
