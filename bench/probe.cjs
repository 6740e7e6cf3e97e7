/**
 * Loaded into the console under test with NODE_OPTIONS=--require (bench
 * only; the console itself has no such hook). Measures from inside the
 * process what cannot be seen from outside:
 *
 * - event-loop delay (perf_hooks.monitorEventLoopDelay, 10 ms resolution):
 *   p99, max and mean since the last reset;
 * - peak resident memory (VmHWM, like /proc from outside);
 * - CPU time of the process and of its finished children (restic);
 * - when the first stdout bytes of a `restic diff` reached the process
 *   (Date.now(), comparable with a browser on the same machine).
 *
 * Every 100 ms the numbers go to $RFC_BENCH_PROBE_OUT as JSON; SIGUSR2
 * resets the histogram and the diff marker.
 */
'use strict';
const childProcess = require('node:child_process');
const fs = require('node:fs');
const { monitorEventLoopDelay } = require('node:perf_hooks');

const out = process.env.RFC_BENCH_PROBE_OUT;
if (out) {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  let firstDiffDataAt = null;
  let resetAt = Date.now();

  const originalSpawn = childProcess.spawn;
  childProcess.spawn = function spawnWithProbe(command, args, ...rest) {
    const child = originalSpawn.call(this, command, args, ...rest);
    if (Array.isArray(args) && args[0] === 'diff' && child.stdout) {
      // A second 'data' listener sees the same chunks as the console's own.
      child.stdout.once('data', () => {
        if (firstDiffDataAt === null) firstDiffDataAt = Date.now();
      });
    }
    return child;
  };

  const vmHwmMiB = () => {
    try {
      const kb = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
      return kb ? Number(kb[1]) / 1024 : null;
    } catch {
      return null;
    }
  };
  /** CPU of reaped children (restic), from /proc/self/stat (clock ticks of 10 ms). */
  const childrenCpuMs = () => {
    try {
      const stat = fs.readFileSync('/proc/self/stat', 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return (Number(fields[13]) + Number(fields[14])) * 10;
    } catch {
      return null;
    }
  };
  const write = () => {
    const cpu = process.cpuUsage();
    const ms = (ns) => ns / 1e6;
    const stats = {
      at: Date.now(),
      resetAt,
      eventLoop: {
        p99: ms(histogram.percentile(99)),
        max: ms(histogram.max),
        mean: ms(histogram.mean),
        samples: histogram.count,
      },
      peakRssMiB: vmHwmMiB(),
      rssMiB: process.memoryUsage.rss() / 1048576,
      firstDiffDataAt,
      cpu: { selfMs: (cpu.user + cpu.system) / 1000, childrenMs: childrenCpuMs() },
    };
    fs.writeFileSync(`${out}.tmp`, JSON.stringify(stats));
    fs.renameSync(`${out}.tmp`, out);
  };
  setInterval(write, 100).unref();
  process.on('SIGUSR2', () => {
    histogram.reset();
    firstDiffDataAt = null;
    resetAt = Date.now();
    write();
  });
}
