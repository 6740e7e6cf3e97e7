/**
 * The wizard's answers so far, kept outside the component so they survive
 * a visit to another screen (the Jobs screen, the audit log) and back.
 * Not persisted: a reload starts a fresh wizard and re-attaches to a
 * running restore from the core's records instead.
 */
import { create } from 'zustand';
import type { OverwritePolicy } from '../../../../shared';

export type TargetChoice = 'original' | 'sameHostPath' | 'otherHost' | 'localFolder' | 'localArchive';

export interface RestoreDraft {
  businessId: string | null;
  repoId: string | null;
  /** The host name the snapshots were made on. */
  hostname: string | null;
  sourceMode: 'pick' | 'latestBefore';
  /** `datetime-local` value for "latest before". */
  before: string;
  snapshotId: string | null;
  wholeSnapshot: boolean;
  /** Ticked paths in the snapshot (normalised). */
  selection: string[];
  target: TargetChoice | null;
  /** The inventory host that made the snapshot (matched, or chosen when no match). */
  originalHostId: string | null;
  otherHostId: string | null;
  path: string;
  archiveFormat: 'tar' | 'zip';
  archiveDirectory: string;
  overwrite: OverwritePolicy;
  deleteExtra: boolean;
  verify: boolean;
  /** KiB/s; null for no limit. */
  limitKiB: number | null;
  /** Preview item keys the user unticked. */
  unticked: string[];
}

export const EMPTY_DRAFT: RestoreDraft = {
  businessId: null,
  repoId: null,
  hostname: null,
  sourceMode: 'pick',
  before: '',
  snapshotId: null,
  wholeSnapshot: true,
  selection: [],
  target: null,
  originalHostId: null,
  otherHostId: null,
  path: '',
  archiveFormat: 'tar',
  archiveDirectory: '',
  overwrite: 'if-changed',
  deleteExtra: false,
  verify: false,
  limitKiB: null,
  unticked: [],
};

/**
 * What changing an answer clears downstream (a new snapshot invalidates the
 * selection and the preview's ticks). Keys given in the same patch win, so
 * "Restore…" from the snapshots screen can set everything at once.
 */
export function applyPatch(draft: RestoreDraft, patch: Partial<RestoreDraft>): RestoreDraft {
  const next: RestoreDraft = { ...draft, ...patch };
  const clear = (keys: Array<keyof RestoreDraft>) => {
    for (const k of keys) if (!(k in patch)) (next as unknown as Record<string, unknown>)[k] = EMPTY_DRAFT[k];
  };
  const changed = (k: keyof RestoreDraft) => next[k] !== draft[k];
  if (changed('businessId')) clear(['repoId', 'hostname', 'snapshotId']);
  if (changed('repoId')) clear(['hostname', 'snapshotId']);
  if (changed('hostname')) {
    clear(['snapshotId', 'originalHostId']);
    if (!('target' in patch) && (next.target === 'original' || next.target === 'sameHostPath'))
      next.target = null;
  }
  if (changed('snapshotId')) clear(['selection', 'wholeSnapshot']);
  const previewInputs: Array<keyof RestoreDraft> = [
    'snapshotId',
    'selection',
    'wholeSnapshot',
    'target',
    'originalHostId',
    'otherHostId',
    'path',
    'archiveFormat',
    'archiveDirectory',
  ];
  if (previewInputs.some(changed)) clear(['unticked']);
  return next;
}

interface DraftStore {
  draft: RestoreDraft;
  step: number;
  /** The restore being followed (running, or just finished). */
  restoreId: string | null;
  patch(patch: Partial<RestoreDraft>): void;
  setStep(step: number): void;
  follow(restoreId: string | null): void;
  /** Start over (keeps the source, which is what a second restore usually shares). */
  reset(keepSource: boolean): void;
}

export const useRestoreDraft = create<DraftStore>()((set) => ({
  draft: EMPTY_DRAFT,
  step: 0,
  restoreId: null,
  patch: (patch) => set((s) => ({ draft: applyPatch(s.draft, patch) })),
  setStep: (step) => set({ step }),
  follow: (restoreId) => set({ restoreId }),
  reset: (keepSource) =>
    set((s) => ({
      restoreId: null,
      step: 0,
      draft: keepSource
        ? {
            ...EMPTY_DRAFT,
            businessId: s.draft.businessId,
            repoId: s.draft.repoId,
            hostname: s.draft.hostname,
          }
        : EMPTY_DRAFT,
    })),
}));
