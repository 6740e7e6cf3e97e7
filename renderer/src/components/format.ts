/** Display helpers the renderer needs beyond shared/format.ts. Pure. */

/** "850 ms", "42 s", "3 min 05 s", "2 h 07 min": exact enough for jobs, short enough for a table cell. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${String(m % 60).padStart(2, '0')} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

/** Milliseconds between two ISO times (end defaults to now); null when the start is missing. */
export function elapsedMs(
  startIso: string | null | undefined,
  endIso: string | null | undefined,
  now: number,
): number | null {
  if (!startIso) return null;
  const start = Date.parse(startIso);
  if (Number.isNaN(start)) return null;
  const end = endIso ? Date.parse(endIso) : now;
  return Number.isNaN(end) ? null : Math.max(0, end - start);
}

/** Hours as ops people say them: "26 h", "3 d 2 h". */
export function formatHours(hours: number | null | undefined): string {
  if (hours === null || hours === undefined || !Number.isFinite(hours)) return '—';
  const h = Math.round(hours);
  if (h < 48) return `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}

/** Local calendar day `YYYY-MM-DD` → ISO instant of its local midnight (end: the next midnight). */
export function localDayToIso(day: string, end = false): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return undefined;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + (end ? 1 : 0));
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}
