/** Builders for daily-check items in the unit tests. */
import type { DailyCheckItem } from '../../../shared';

let next = 1;

export function item(
  partial: Partial<DailyCheckItem> & Pick<DailyCheckItem, 'item' | 'status'>,
): DailyCheckItem {
  return {
    id: next++,
    businessId: null,
    businessName: null,
    hostId: null,
    hostName: null,
    planId: null,
    repositoryId: null,
    reason: `${partial.item} ${partial.status}`,
    data: {},
    at: '2026-11-21T08:00:00.000Z',
    ...partial,
  };
}

export const shop = { businessId: 'biz-shop', businessName: 'shop' };
export const mail = { businessId: 'biz-mail', businessName: 'mail' };
export const web1 = { hostId: 'host-web1', hostName: 'web-1' };
export const web2 = { hostId: 'host-web2', hostName: 'web-2' };
