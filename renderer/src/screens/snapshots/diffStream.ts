/**
 * A diff as it streams in (`snapshots.diffStream`): the changes arrive as
 * `snapshots.diffChunk` events while restic still runs, so the first rows
 * are on screen long before a 100 000-change diff ends. The call's reply
 * closes the stream with the count and restic's statistics; since the
 * reply (HTTP or IPC) and the chunks (the event channel) travel apart,
 * the stream is complete once that many changes were counted.
 *
 * Leaving the view aborts the call, and the core stops restic. Finished
 * diffs of the last few pairs are kept: two snapshots never change.
 */
import { useEffect, useState } from 'react';
import type { DiffChange, MethodOutput } from '../../../../shared';
import { useClient } from '../../client/ClientContext';

type StreamReply = MethodOutput<'snapshots.diffStream'>;

export interface DiffStreamState {
  /** Every change received so far, in restic's order (the same array grows; see `received`). */
  changes: DiffChange[];
  /** changes.length when this state was made: a new value whenever rows arrived. */
  received: number;
  /** The reply: restic ended. */
  reply: StreamReply | null;
  /** Ended and every change counted. */
  complete: boolean;
  error: Error | null;
}

/** After the reply, how long chunks still in flight may take before the stream counts as broken. */
const LATE_CHUNKS_MS = 10_000;
const KEPT_DIFFS = 4;
const PUBLISH_MS = 300;
/**
 * Changes listed at most. The core keeps none of a streamed diff, so the
 * bound is the page's memory: 200 000 rows are about 40 MB here.
 */
const STREAM_LIMIT = 200_000;
const finished = new Map<string, { changes: DiffChange[]; reply: StreamReply }>();

function remember(key: string, value: { changes: DiffChange[]; reply: StreamReply }): void {
  finished.delete(key);
  finished.set(key, value);
  while (finished.size > KEPT_DIFFS) finished.delete(finished.keys().next().value as string);
}

function newStreamId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

const EMPTY: DiffStreamState = { changes: [], received: 0, reply: null, complete: false, error: null };

export function useDiffStream(repoId: string, from: string, to: string, attempt = 0): DiffStreamState {
  const client = useClient();
  const key = `${repoId}\0${from}\0${to}`;
  const run = `${key}\0${attempt}`;
  // State of the run it was made for; another pair (or a retry) starts from its cache or empty.
  const [state, setState] = useState<{ run: string; value: DiffStreamState }>(() => ({
    run,
    value: initial(key),
  }));

  useEffect(() => {
    if (finished.has(key)) return;
    const set = (update: (s: DiffStreamState) => DiffStreamState) =>
      setState((s) => ({ run, value: update(s.run === run ? s.value : EMPTY) }));
    const streamId = newStreamId();
    const changes: DiffChange[] = [];
    const early = new Map<number, DiffChange[]>();
    let nextSeq = 0;
    let reply: StreamReply | null = null;
    let frame: number | null = null;
    let pace: ReturnType<typeof setTimeout> | null = null;
    let published = 0;
    let lateTimer: ReturnType<typeof setTimeout> | null = null;
    let over = false;
    const controller = new AbortController();

    // The first rows at the next frame; after that at most one render per
    // PUBLISH_MS: each render filters and counts every row received so far.
    const publish = () => {
      frame = null;
      pace = null;
      if (over) return;
      published += 1;
      const complete = reply !== null && changes.length >= reply.count;
      if (complete) {
        over = true;
        if (lateTimer) clearTimeout(lateTimer);
        remember(key, { changes, reply: reply! });
      }
      set(() => ({ changes, received: changes.length, reply, complete, error: null }));
    };
    const schedule = () => {
      if (frame !== null || pace !== null) return;
      if (published === 0 || (reply !== null && changes.length >= reply.count))
        frame = requestAnimationFrame(publish);
      else pace = setTimeout(() => (frame = requestAnimationFrame(publish)), PUBLISH_MS);
    };

    const unsubscribe = client.subscribe('snapshots.diffChunk', (chunk) => {
      if (chunk.streamId !== streamId || over) return;
      early.set(chunk.seq, chunk.changes);
      // Chunks are applied in their order even if the transport reordered them.
      for (let next = early.get(nextSeq); next; next = early.get(nextSeq)) {
        early.delete(nextSeq);
        nextSeq += 1;
        for (const c of next) changes.push(c);
      }
      schedule();
    });

    client
      .call(
        'snapshots.diffStream',
        { repoId, from, to, streamId, limit: STREAM_LIMIT },
        { signal: controller.signal },
      )
      .then((value) => {
        if (over) return;
        reply = value;
        schedule();
        if (changes.length < value.count) {
          lateTimer = setTimeout(() => {
            if (over || changes.length >= value.count) return;
            over = true;
            set((s) => ({
              ...s,
              error: new Error(
                `Only ${changes.length} of ${value.count} changes arrived: the event connection dropped.`,
              ),
            }));
          }, LATE_CHUNKS_MS);
        }
      })
      .catch((error: unknown) => {
        if (over || controller.signal.aborted) return;
        over = true;
        set((s) => ({ ...s, error: error instanceof Error ? error : new Error(String(error)) }));
      });

    return () => {
      over = true;
      controller.abort();
      unsubscribe();
      if (frame !== null) cancelAnimationFrame(frame);
      if (pace !== null) clearTimeout(pace);
      if (lateTimer) clearTimeout(lateTimer);
    };
  }, [client, key, run, repoId, from, to]);

  return state.run === run ? state.value : initial(key);
}

function initial(key: string): DiffStreamState {
  const done = finished.get(key);
  return done
    ? { changes: done.changes, received: done.changes.length, reply: done.reply, complete: true, error: null }
    : EMPTY;
}
