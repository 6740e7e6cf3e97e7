/**
 * The restore area's tables. Versions 10–19 belong to this area, so areas
 * built side by side never take the same number (see migrations.ts rules).
 */
import type { Migration } from '../migrations';

export const RESTORE_MIGRATIONS: readonly Migration[] = [];
