/**
 * The board and host table are pure derivations of a check's items; they
 * live in shared/ so the renderer computes them from `fleet.check` output
 * exactly as the core does.
 */
export {
  deriveBoard,
  deriveHostTable,
  STATUS_RANK,
  toReason,
  worstStatus,
  type Board,
  type BoardBusiness,
  type BoardCell,
  type BoardReason,
  type HostTableRow,
  type StatusCounts,
} from '../../../shared/fleet-board';
