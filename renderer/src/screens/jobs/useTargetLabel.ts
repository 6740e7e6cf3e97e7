import { useCallback, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useBusinesses, useHosts, usePlans, useRepos } from '../../queries/hooks';
import { parseTarget } from './jobModel';

/** "repo:demo" → "Demo repository (repository)": job targets in words, ids when the name is unknown. */
export function useTargetLabel(): (target: string) => string {
  const { t } = useTranslation();
  const repos = useRepos();
  const hosts = useHosts();
  const businesses = useBusinesses();
  const plans = usePlans();
  const names = useMemo(
    () =>
      new Map<string, string>([
        ...(repos.data ?? []).map((r) => [`repo:${r.id}`, r.name] as const),
        ...(hosts.data ?? []).map((h) => [`host:${h.id}`, h.name] as const),
        ...(businesses.data ?? []).map((b) => [`business:${b.id}`, b.name] as const),
        ...(plans.data ?? []).map((p) => [`plan:${p.id}`, p.name] as const),
      ]),
    [repos.data, hosts.data, businesses.data, plans.data],
  );
  return useCallback(
    (target: string) => {
      const { type, id } = parseTarget(target);
      if (id === null) return t(`jobs.targets.${type}`, { defaultValue: target });
      const name = names.get(target);
      const kind = t(`jobs.targets.${type}`, { defaultValue: type });
      return name ? `${name} (${kind})` : `${kind} ${id}`;
    },
    [names, t],
  );
}
