/**
 * Which files a restore drill restores: a sample of the snapshot's regular
 * files, chosen while `restic ls --json` streams (memory bounded by the
 * sample size, not by the snapshot), the same for the same drill id
 * whatever order restic lists in.
 *
 * "Spread over the tree": files are taken one per folder first — the
 * folders with the smallest seeded hash, each giving its own
 * smallest-hash file — so one huge folder cannot fill the sample; only
 * when there are fewer folders than wanted files does a second pass take
 * the smallest-hash files of all. Non-empty files are preferred both in a
 * folder and across folders: an empty file proves nothing about the data.
 */
import { createHash } from 'node:crypto';

export interface SampleCandidate {
  path: string;
  size: number;
}

/** Folders kept while streaming, per wanted file: room to prefer folders whose best file is non-empty. */
const FOLDERS_PER_FILE = 4;

function score(seed: string, what: string, key: string): string {
  return createHash('sha256').update(seed).update('\0').update(what).update('\0').update(key).digest('hex');
}

function parentOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

/** Empty files last, then by score, then by path (a total order: no ties). */
function better(a: Scored, b: Scored): boolean {
  const ae = a.size > 0 ? 0 : 1;
  const be = b.size > 0 ? 0 : 1;
  if (ae !== be) return ae < be;
  if (a.score !== b.score) return a.score < b.score;
  return a.path < b.path;
}

interface Scored extends SampleCandidate {
  score: string;
}

/** A bounded set keeping the `max` best items by `isBetter`. Small n: a sorted array is enough. */
class BestOf<T> {
  readonly items: T[] = [];
  constructor(
    private readonly max: number,
    private readonly isBetter: (a: T, b: T) => boolean,
  ) {}

  /** Would `item` be kept? */
  admits(item: T): boolean {
    if (this.items.length < this.max) return true;
    return this.isBetter(item, this.items[this.items.length - 1] as T);
  }

  /** Adds it in order; returns the item pushed out, if any. */
  add(item: T): T | undefined {
    if (!this.admits(item)) return item;
    let i = this.items.length;
    while (i > 0 && this.isBetter(item, this.items[i - 1] as T)) i -= 1;
    this.items.splice(i, 0, item);
    return this.items.length > this.max ? this.items.pop() : undefined;
  }

  remove(item: T): void {
    const i = this.items.indexOf(item);
    if (i >= 0) this.items.splice(i, 1);
  }
}

interface Folder {
  path: string;
  score: string;
  best: Scored;
}

function betterFolder(a: Folder, b: Folder): boolean {
  const ae = a.best.size > 0 ? 0 : 1;
  const be = b.best.size > 0 ? 0 : 1;
  // Folder order is by the folder's own score; a non-empty best file wins ties of "emptiness" first.
  if (ae !== be) return ae < be;
  if (a.score !== b.score) return a.score < b.score;
  return a.path < b.path;
}

export class SampleSelector {
  private readonly folders: BestOf<Folder>;
  private readonly folderByPath = new Map<string, Folder>();
  private readonly overall: BestOf<Scored>;
  /** Regular files offered (the snapshot's file count). */
  seen = 0;
  /** Offered files refused because restic could not print their name faithfully. */
  unprintable = 0;

  constructor(
    private readonly seed: string,
    readonly wanted: number,
  ) {
    if (!Number.isInteger(wanted) || wanted < 1) throw new RangeError('a sample holds at least one file');
    this.folders = new BestOf<Folder>(wanted * FOLDERS_PER_FILE, betterFolder);
    this.overall = new BestOf<Scored>(wanted * 2, better);
  }

  /** Offers one regular file of the snapshot. */
  offer(file: SampleCandidate): void {
    this.seen += 1;
    // restic's JSON turns bytes that are not UTF-8 into U+FFFD: such a name cannot be asked for again.
    if (file.path.includes('\uFFFD')) {
      this.unprintable += 1;
      return;
    }
    const scored: Scored = { path: file.path, size: file.size, score: score(this.seed, 'file', file.path) };
    this.overall.add(scored);

    const dir = parentOf(file.path);
    const known = this.folderByPath.get(dir);
    if (known) {
      if (better(scored, known.best)) {
        // Re-rank the folder: its best file changed (possibly from empty to non-empty).
        this.folders.remove(known);
        this.folderByPath.delete(dir);
        this.addFolder({ ...known, best: scored });
      }
      return;
    }
    this.addFolder({ path: dir, score: score(this.seed, 'dir', dir), best: scored });
  }

  private addFolder(folder: Folder): void {
    if (!this.folders.admits(folder)) return;
    this.folderByPath.set(folder.path, folder);
    const out = this.folders.add(folder);
    if (out) this.folderByPath.delete(out.path);
  }

  /** The sample: at most `wanted` files, in path order. */
  result(): SampleCandidate[] {
    const picked = new Map<string, SampleCandidate>();
    for (const f of this.folders.items) {
      if (picked.size >= this.wanted) break;
      picked.set(f.best.path, { path: f.best.path, size: f.best.size });
    }
    for (const f of this.overall.items) {
      if (picked.size >= this.wanted) break;
      if (!picked.has(f.path)) picked.set(f.path, { path: f.path, size: f.size });
    }
    return [...picked.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }
}

/** The whole selection at once (tests, small listings). */
export function selectSample(
  seed: string,
  files: Iterable<SampleCandidate>,
  wanted: number,
): SampleCandidate[] {
  const s = new SampleSelector(seed, wanted);
  for (const f of files) s.offer(f);
  return s.result();
}
