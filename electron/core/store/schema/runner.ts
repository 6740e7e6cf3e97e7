/**
 * The runner area's tables. Versions 30–39 belong to this area, so areas
 * built side by side never take the same number (see migrations.ts rules).
 */
import type { Migration } from '../migrations';

export const RUNNER_MIGRATIONS: readonly Migration[] = [];
