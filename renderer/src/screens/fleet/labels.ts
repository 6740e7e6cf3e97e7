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
