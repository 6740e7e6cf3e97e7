/**
 * The wizard's answers as the contract's restore request, or the reason
 * it is not complete yet (shown beside a disabled Next). Pure.
 */
import type { HostDetail, RestoreCapabilities, RestoreRequest, RestoreTarget } from '../../../../shared';
import type { RestoreDraft } from './draftStore';

export type Missing =
  | 'source'
  | 'selection'
  | 'target'
  | 'originalHost'
  | 'otherHost'
  | 'path'
  | 'pathNotAbsolute'
  | 'archiveDirectory'
  | 'noLocalHost';

export function localHost(hosts: readonly HostDetail[]): HostDetail | undefined {
  return hosts.find((h) => h.kind === 'local');
}

const absolute = (p: string) => p.startsWith('/') && !p.includes('\0');

export function buildTarget(
  draft: RestoreDraft,
  hosts: readonly HostDetail[],
): { target: RestoreTarget } | { missing: Missing } {
  switch (draft.target) {
    case null:
      return { missing: 'target' };
    case 'original':
      return draft.originalHostId
        ? { target: { kind: 'original', hostId: draft.originalHostId } }
        : { missing: 'originalHost' };
    case 'sameHostPath':
    case 'otherHost':
    case 'localFolder': {
      const hostId =
        draft.target === 'sameHostPath'
          ? draft.originalHostId
          : draft.target === 'otherHost'
            ? draft.otherHostId
            : (localHost(hosts)?.id ?? null);
      if (!hostId)
        return {
          missing:
            draft.target === 'sameHostPath'
              ? 'originalHost'
              : draft.target === 'otherHost'
                ? 'otherHost'
                : 'noLocalHost',
        };
      const path = draft.path.trim();
      if (!path) return { missing: 'path' };
      if (!absolute(path)) return { missing: 'pathNotAbsolute' };
      return { target: { kind: 'path', hostId, path } };
    }
    case 'localArchive': {
      const directory = draft.archiveDirectory.trim();
      if (!directory) return { missing: 'archiveDirectory' };
      if (!absolute(directory)) return { missing: 'pathNotAbsolute' };
      return { target: { kind: 'archive', format: draft.archiveFormat, directory } };
    }
  }
}

export function buildRequest(
  draft: RestoreDraft,
  hosts: readonly HostDetail[],
  excluded: readonly string[] = [],
  caps?: RestoreCapabilities,
): { request: RestoreRequest } | { missing: Missing } {
  if (!draft.repoId || !draft.snapshotId) return { missing: 'source' };
  if (!draft.wholeSnapshot && draft.selection.length === 0) return { missing: 'selection' };
  const target = buildTarget(draft, hosts);
  if ('missing' in target) return target;
  const archive = target.target.kind === 'archive';
  // What the target's restic cannot do is not asked for (the options show it disabled, with the reason).
  const can = (c: keyof Omit<RestoreCapabilities, 'resticVersion'>) => !caps || caps[c].supported;
  return {
    request: {
      repoId: draft.repoId,
      snapshotId: draft.snapshotId,
      paths: draft.wholeSnapshot ? [] : [...draft.selection],
      excluded: [...excluded],
      target: target.target,
      // An archive is written whole: overwrite and delete do not apply to it.
      options: {
        overwrite: archive || !can('overwrite') ? 'always' : draft.overwrite,
        delete: !archive && can('delete') && draft.deleteExtra,
        verify: !archive && can('verify') && draft.verify,
        ...(draft.limitKiB && can('limitDownload') ? { limitDownloadKiB: draft.limitKiB } : {}),
      },
    },
  };
}

/** Restores that write into the place the files came from: the ones that need the safety snapshot and the typed name. */
export function isInPlace(draft: Pick<RestoreDraft, 'target'>): boolean {
  return draft.target === 'original';
}
