import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { apiTable, BEGIN, END } from '../../../scripts/api-table';

describe('README', () => {
  it("lists exactly the contract's methods and events (run `npx tsx scripts/api-table.ts --write`)", () => {
    const readme = readFileSync('README.md', 'utf8');
    const block = readme.slice(readme.indexOf(BEGIN), readme.indexOf(END) + END.length);
    expect(block).toBe(apiTable());
  });
});
