/** A host as the contract's HostDetail: the record without anything secret. */
import { Hosts, type HostRecord } from '../store/hosts';

export function hostDetail(record: HostRecord) {
  return {
    ...Hosts.toDomain(record),
    ...(record.authKind ? { authKind: record.authKind } : {}),
    ...(record.resticPath ? { resticPath: record.resticPath } : {}),
    ...(record.hostKey
      ? {
          hostKey: {
            fingerprint: record.hostKey.fingerprint,
            ...(record.hostKey.publicKey ? { publicKey: record.hostKey.publicKey } : {}),
            pinnedAt: record.hostKey.pinnedAt,
          },
        }
      : {}),
    privateKeySet: record.privateKeySet,
  };
}
