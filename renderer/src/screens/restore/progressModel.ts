/**
 * Rate and time left for a running restore, from the bytes (or files) the
 * job reports over time. A sliding window of samples smooths restic's
 * bursty status lines; with too little history there is no ETA rather
 * than a wild one. Pure.
 */

export interface Sample {
  /** ms since epoch */
  at: number;
  done: number;
}

/** Keep samples from the last `windowMs`, plus the one just before it as the base. */
export function addSample(samples: readonly Sample[], sample: Sample, windowMs = 15_000): Sample[] {
  const last = samples[samples.length - 1];
  if (last && sample.done < last.done) return [sample]; // counters restarted (e.g. safety snapshot → restore)
  if (last && last.at === sample.at) return [...samples.slice(0, -1), sample];
  const all = [...samples, sample];
  const from = all.findIndex((s) => s.at >= sample.at - windowMs);
  return all.slice(Math.max(0, from - 1));
}

/** Units per second over the window; null until two samples at least a second apart. */
export function ratePerSecond(samples: readonly Sample[]): number | null {
  if (samples.length < 2) return null;
  const first = samples[0]!;
  const last = samples[samples.length - 1]!;
  const seconds = (last.at - first.at) / 1000;
  if (seconds < 1) return null;
  return Math.max(0, (last.done - first.done) / seconds);
}

/** Seconds left at the current rate; null when unknown (no total, no rate, or stalled). */
export function etaSeconds(done: number, total: number | null, rate: number | null): number | null {
  if (total === null || rate === null || rate <= 0 || total <= 0) return null;
  return Math.max(0, (total - done) / rate);
}

/**
 * The rate to show: the recent one while data moves; between restic's bursts
 * (it reads a whole pack before writing from it) the average since the job
 * started, so a pause between packs does not read as a stall of the restore.
 */
export function shownRate(recent: number | null, done: number, elapsedSeconds: number | null): number | null {
  if (recent !== null && recent > 0) return recent;
  if (elapsedSeconds !== null && elapsedSeconds >= 2 && done > 0) return done / elapsedSeconds;
  return recent;
}
