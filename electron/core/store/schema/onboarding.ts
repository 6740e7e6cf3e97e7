/**
 * The onboarding area's tables. Versions 50–59 belong to this area, so areas
 * built side by side never take the same number (see migrations.ts rules).
 */
import type { Migration } from '../migrations';

export const ONBOARDING_MIGRATIONS: readonly Migration[] = [];
