// Timing helpers shared by the benchmarks. Medians, never means: the machines
// are shared and a run now and then is slowed by something else.

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[n >> 1] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/**
 * Median wall time and median CPU time (ms) of `runs` runs. CPU time is the
 * figure that does not move with the load of other processes.
 */
export function time(fn: () => void, runs = 31): { wall: number; cpu: number } {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { wall: median(wall), cpu: median(cpu) };
}

/**
 * Median wall and CPU times (ms) of several functions run in turn, `runs`
 * rounds: side by side, so a burst of load on the machine hits all of them.
 */
export function timeAlternating(fns: (() => void)[], runs = 31): { wall: number; cpu: number }[] {
  const wall: number[][] = fns.map(() => []);
  const cpu: number[][] = fns.map(() => []);
  for (let i = 0; i < runs; i++)
    fns.forEach((fn, k) => {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      fn();
      wall[k].push(performance.now() - t0);
      const c = process.cpuUsage(c0);
      cpu[k].push((c.user + c.system) / 1000);
    });
  return fns.map((_, k) => ({ wall: median(wall[k]), cpu: median(cpu[k]) }));
}
