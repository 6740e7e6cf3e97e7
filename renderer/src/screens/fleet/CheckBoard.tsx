/**
 * The daily-check board: one row per business, one column per host; each
 * cell coloured by its worst item AND listing the items' reasons in words
 * ("last snapshot 31 h ago, target 26 h"). The arrangement is
 * shared/fleet-board.ts's `deriveBoard` (plan items in their plan's cell,
 * repository items in the cells that use the repository, host items in
 * every cell of the host). A cell opens its items in the Items tab.
 */
import { useMemo } from 'react';
import { Group, Text, Tooltip, UnstyledButton } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { DailyCheckItem } from '../../../../shared';
import { deriveBoard, type BoardCell, type BoardReason } from '../../../../shared/fleet-board';
import { CHECK_STATUS_COLOR, CheckStatusBadge, CheckStatusIcon } from '../../components/StatusBadge';
import { subjectOf } from './checkModel';
import { useReasonLabel } from './labels';

const MAX_LINES = 5;

function ReasonLine({ reason }: { reason: BoardReason }) {
  const reasonLabel = useReasonLabel();
  const subject = subjectOf(reason);
  const label = reasonLabel(reason.item, subject);
  return (
    <div
      className="rfc-reason"
      data-testid="board-reason"
      data-item={reason.item}
      data-status={reason.status}
    >
      <CheckStatusIcon status={reason.status} size={12} />
      <span
        className="rfc-reason-text"
        style={reason.status === 'ok' ? { color: 'var(--mantine-color-dimmed)' } : undefined}
        title={`${label}: ${reason.reason}`}
      >
        <b style={{ fontWeight: 600 }}>{label}</b>
        {reason.reason ? `: ${reason.reason}` : ''}
      </span>
    </div>
  );
}

function Cell({ cell, onOpen }: { cell: BoardCell; onOpen(): void }) {
  const { t } = useTranslation();
  const shown = cell.reasons.slice(0, MAX_LINES);
  const hidden = cell.reasons.length - shown.length;
  const color = CHECK_STATUS_COLOR[cell.status];
  return (
    <UnstyledButton
      className="rfc-board-cell"
      data-status={cell.status}
      data-testid="board-cell"
      data-host={cell.hostName ?? ''}
      onClick={onOpen}
      title={t('fleet.board.cellHint')}
      style={{
        borderLeft: `3px solid var(--mantine-color-${color}-${cell.status === 'warning' ? 5 : 6})`,
        background: cell.status === 'ok' ? undefined : `var(--mantine-color-${color}-light)`,
      }}
    >
      <Group gap={6} wrap="nowrap" mb={2}>
        <CheckStatusBadge status={cell.status} />
        <Text size="10px" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
          {t('fleet.board.cellCounts', { total: cell.reasons.length, ok: cell.counts.ok })}
        </Text>
      </Group>
      {shown.map((reason) => (
        <ReasonLine key={reason.itemId} reason={reason} />
      ))}
      {hidden > 0 && (
        <Text size="11px" c="indigo" mt={1}>
          {t('fleet.board.more', { count: hidden })}
        </Text>
      )}
    </UnstyledButton>
  );
}

export function CheckBoard({
  items,
  onOpenCell,
}: {
  items: readonly DailyCheckItem[];
  onOpenCell(businessId: string | null, hostId: string | null): void;
}) {
  const { t } = useTranslation();
  const board = useMemo(() => deriveBoard(items), [items]);

  if (items.length === 0) {
    return (
      <Text size="sm" c="dimmed" p="md" data-testid="board-empty">
        {t('fleet.board.empty')}
      </Text>
    );
  }

  const hostKey = (id: string | null) => id ?? '';
  const columnTemplate = `minmax(160px, 200px) repeat(${board.hosts.length}, minmax(240px, 1fr))`;
  return (
    <div className="rfc-scroller" data-testid="check-board" role="table" aria-label={t('fleet.board.label')}>
      <div className="rfc-board" style={{ gridTemplateColumns: columnTemplate }}>
        <div role="row" style={{ display: 'contents' }}>
          <div className="rfc-board-head rfc-board-corner" role="columnheader">
            {t('fleet.board.business')}
          </div>
          {board.hosts.map((h) => (
            <div
              key={hostKey(h.hostId)}
              className="rfc-board-head"
              role="columnheader"
              data-testid="board-host"
            >
              {h.hostId === null ? (
                <Tooltip label={t('fleet.board.noHostHint')} multiline maw={300}>
                  <Text size="xs" fw={600} fs="italic" truncate>
                    {t('fleet.board.noHost')}
                  </Text>
                </Tooltip>
              ) : (
                <Text size="xs" fw={600} truncate title={h.hostName ?? h.hostId}>
                  {h.hostName ?? h.hostId}
                </Text>
              )}
            </div>
          ))}
        </div>
        {board.businesses.map((row) => {
          const byHost = new Map(row.cells.map((c) => [hostKey(c.hostId), c]));
          return (
            <div
              key={row.businessId ?? ''}
              role="row"
              style={{ display: 'contents' }}
              data-testid="board-row"
              data-business={row.businessName ?? ''}
              data-status={row.status}
            >
              <div className="rfc-board-rowhead" role="rowheader">
                {row.businessId === null ? (
                  <Tooltip label={t('fleet.board.noBusinessHint')} multiline maw={300}>
                    <Text size="xs" fw={600} fs="italic">
                      {t('fleet.board.noBusiness')}
                    </Text>
                  </Tooltip>
                ) : (
                  <Text size="xs" fw={600} style={{ wordBreak: 'break-word' }}>
                    {row.businessName ?? row.businessId}
                  </Text>
                )}
                <Group gap={4} mt={4}>
                  <CheckStatusBadge status={row.status} />
                </Group>
                <Text size="10px" c="dimmed" mt={4}>
                  {t('fleet.board.rowCounts', {
                    failing: row.counts.failing,
                    warning: row.counts.warning,
                    ok: row.counts.ok,
                  })}
                </Text>
              </div>
              {board.hosts.map((h) => {
                const cell = byHost.get(hostKey(h.hostId));
                return cell ? (
                  <div key={hostKey(h.hostId)} role="cell" className="rfc-board-td">
                    <Cell cell={cell} onOpen={() => onOpenCell(row.businessId, h.hostId)} />
                  </div>
                ) : (
                  <div
                    key={hostKey(h.hostId)}
                    role="cell"
                    className="rfc-board-td rfc-board-none"
                    title={t('fleet.board.notCheckedHint')}
                  >
                    <Text size="xs" c="dimmed">
                      —
                    </Text>
                  </div>
                );
              })}
            </div>
          );
        })}
      </div>
    </div>
  );
}
