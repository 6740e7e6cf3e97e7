/**
 * The alerts area's tables. Versions 40–49 belong to this area, so areas
 * built side by side never take the same number (see migrations.ts rules).
 */
import type { Migration } from '../migrations';

export const ALERTS_MIGRATIONS: readonly Migration[] = [];
