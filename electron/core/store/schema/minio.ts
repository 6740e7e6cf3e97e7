/**
 * The minio area's tables. Versions 20–29 belong to this area, so areas
 * built side by side never take the same number (see migrations.ts rules).
 */
import type { Migration } from '../migrations';

export const MINIO_MIGRATIONS: readonly Migration[] = [];
