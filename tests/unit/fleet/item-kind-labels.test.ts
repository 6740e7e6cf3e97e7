// Every kind of daily-check item has a label in both languages: the board
// otherwise shows the raw kind ("minio", "quota") where a word belongs.
import { describe, expect, it } from 'vitest';
import { ITEM_KINDS } from '../../../electron/core/fleet/items/types';
// The base files hold the board's words (importing the i18n module would pull
// React's global types into the Node type check).
import en from '../../../renderer/src/i18n/en.json';
import zhCN from '../../../renderer/src/i18n/zh-CN.json';

describe('daily-check item kinds', () => {
  it.each([
    ['en', en],
    ['zh-CN', zhCN],
  ] as const)('each has a label in %s', (_language, strings) => {
    const labels = strings.fleet.itemKinds as Record<string, string>;
    expect(ITEM_KINDS.filter((kind) => !labels[kind])).toEqual([]);
  });
});
