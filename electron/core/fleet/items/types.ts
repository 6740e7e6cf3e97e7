/** What every daily-check item module produces (before the store gives it an id and time). */
import type { CheckStatus } from '../../../../shared';

/** The kinds of item the daily check writes, one module each under items/. */
export const ITEM_KINDS = [
  'reachable',
  'restic',
  'leftover',
  'repository',
  'locks',
  'freshness',
  'verified',
  'drill',
  'runner',
  'offsite',
  'minio',
  'quota',
] as const;
export type ItemKind = (typeof ITEM_KINDS)[number];

export interface CheckItem {
  businessId: string | null;
  businessName: string | null;
  hostId: string | null;
  hostName: string | null;
  planId: string | null;
  repositoryId: string | null;
  item: ItemKind;
  status: CheckStatus;
  /** Why, in words. */
  reason: string;
  data: Record<string, unknown>;
}

export interface Verdict {
  status: CheckStatus;
  reason: string;
  data: Record<string, unknown>;
}

export const NO_SUBJECT = {
  businessId: null,
  businessName: null,
  hostId: null,
  hostName: null,
  planId: null,
  repositoryId: null,
} as const;
