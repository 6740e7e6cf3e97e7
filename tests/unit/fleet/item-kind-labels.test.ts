// Every kind of daily-check item has a label in both languages: the board
// otherwise shows the raw kind ("minio", "quota") where a word belongs.
import { describe, expect, it } from 'vitest';
import { ITEM_KINDS } from '../../../electron/core/fleet/items/types';
import { en, zhCN } from '../../../renderer/src/i18n/index';

describe('daily-check item kinds', () => {
  it.each([
    ['en', en],
    ['zh-CN', zhCN],
  ] as const)('each has a label in %s', (_language, strings) => {
    const labels = strings.fleet.itemKinds as Record<string, string>;
    expect(ITEM_KINDS.filter((kind) => !labels[kind])).toEqual([]);
  });
});
