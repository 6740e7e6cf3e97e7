import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';

/** "freshness" → "Last backup": the words for an item kind; unknown kinds show as they are. */
export function useItemKindLabel(): (kind: string) => string {
  const { t } = useTranslation();
  return useCallback(
    (kind: string) => t(`fleet.itemKinds.${kind.replace(/\./g, '_')}`, { defaultValue: kind }),
    [t],
  );
}

/**
 * "Last backup · plan app-data", "Locks · repository main": what a reason is
 * about. A `repository` item is about its repository already, so it reads
 * "repository main" alone.
 */
export function useReasonLabel(): (
  item: string,
  subject: { kind: 'plan' | 'repository'; name: string } | null,
) => string {
  const { t } = useTranslation();
  const kindLabel = useItemKindLabel();
  return useCallback(
    (item, subject) => {
      if (!subject) return kindLabel(item);
      if (item === 'repository' && subject.kind === 'repository')
        return t('fleet.board.repositoryItem', { name: subject.name });
      return t(`fleet.board.of.${subject.kind}`, { kind: kindLabel(item), name: subject.name });
    },
    [t, kindLabel],
  );
}
