import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../../shared';
import { en, zhCN } from './index';

function keys(obj: unknown, prefix = ''): string[] {
  if (typeof obj !== 'object' || obj === null) return [prefix];
  return Object.entries(obj).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
}

describe('translations', () => {
  it('zh-CN has every key en has', () => {
    const zh = new Set(keys(zhCN));
    expect(keys(en).filter((k) => !zh.has(k))).toEqual([]);
  });

  it('every error code has a readable name in both languages', () => {
    for (const code of ERROR_CODES) {
      expect(en.errors.codes).toHaveProperty(code);
      expect(zhCN.errors.codes).toHaveProperty(code);
    }
  });

  it('zh-CN is actually translated (not a copy of en)', () => {
    const e = keys(en);
    const same = e.filter((k) => {
      const get = (o: unknown) =>
        k.split('.').reduce<unknown>((acc, p) => (acc as Record<string, unknown>)[p], o);
      const v = get(en);
      return typeof v === 'string' && /[a-z]{4,}/i.test(v) && v === get(zhCN);
    });
    // Product names and technical tokens (restic, sftp, S3) may stay as they are.
    expect(same.length).toBeLessThan(e.length * 0.05);
  });
});
