/**
 * Saves text the core produced (CSV, JSON) as a file: a Blob and a
 * temporary link with `download`. Works in the browser (serve mode) and in
 * Electron, where the session's download handler takes it.
 */

/** Only the file name: no directories, no control characters, never empty. */
export function safeFilename(name: string, fallback = 'export.txt'): string {
  // eslint-disable-next-line no-control-regex
  const base = (name.split(/[\\/]/).pop() ?? '').replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return base && base !== '.' && base !== '..' ? base.slice(0, 200) : fallback;
}

export function downloadText(filename: string, content: string, mime: string): void {
  const blob = new Blob([content], { type: `${mime};charset=utf-8` });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = safeFilename(filename);
  link.rel = 'noopener';
  link.style.display = 'none';
  document.body.appendChild(link);
  link.click();
  link.remove();
  // Give the browser time to start reading the blob before it goes away.
  window.setTimeout(() => URL.revokeObjectURL(url), 30_000);
}
