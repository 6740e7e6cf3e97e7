/**
 * The daily-check board: one row per business, one column per host; each
 * cell coloured by its worst item AND listing the items' reasons in words
 * ("last snapshot 31 h ago, target 26 h"). A cell opens its items in the
 * Items tab.
 */
import { useMemo } from 'react';
import { Group, Text, Tooltip, UnstyledButton } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { DailyCheckItem } from '../../../../shared';
import { CHECK_STATUS_COLOR, CheckStatusBadge, CheckStatusIcon } from '../../components/StatusBadge';
import { buildBoard, type BoardCell } from './checkModel';
import { useItemKindLabel } from './labels';

const MAX_LINES = 5;

function Cell({ cell, onOpen, testId }: { cell: BoardCell; onOpen(): void; testId: string }) {
  const { t } = useTranslation();
  const kindLabel = useItemKindLabel();
  const shown = cell.items.slice(0, MAX_LINES);
  const hidden = cell.items.length - shown.length;
  const color = CHECK_STATUS_COLOR[cell.status];
  return (
    <UnstyledButton
      className="rfc-board-cell"
      data-status={cell.status}
      data-testid={testId}
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
          {t('fleet.board.cellCounts', { total: cell.items.length, ok: cell.counts.ok })}
        </Text>
      </Group>
      {shown.map((item) => (
        <ReasonLine key={item.id} item={item} kind={kindLabel(item.item)} />
      ))}
      {hidden > 0 && (
        <Text size="11px" c="indigo" mt={1}>
          {t('fleet.board.more', { count: hidden })}
        </Text>
      )}
    </UnstyledButton>
  );
}

function ReasonLine({ item, kind }: { item: DailyCheckItem; kind: string }) {
  return (
    <div className="rfc-reason" data-testid="board-reason" data-item={item.item} data-status={item.status}>
      <CheckStatusIcon status={item.status} size={12} />
      <span
        className="rfc-reason-text"
        style={item.status === 'ok' ? { color: 'var(--mantine-color-dimmed)' } : undefined}
      >
        <b style={{ fontWeight: 600 }}>{kind}</b>
        {item.reason ? `: ${item.reason}` : ''}
      </span>
    </div>
  );
}

export function CheckBoard({
  items,
  onOpenCell,
}: {
  items: readonly DailyCheckItem[];
  onOpenCell(businessKey: string, hostKey: string): void;
}) {
  const { t } = useTranslation();
  const board = useMemo(() => buildBoard(items), [items]);

  if (items.length === 0) {
    return (
      <Text size="sm" c="dimmed" p="md" data-testid="board-empty">
        {t('fleet.board.empty')}
      </Text>
    );
  }

  const columnTemplate = `minmax(180px, 220px) repeat(${board.columns.length}, minmax(260px, 1fr))`;
  return (
    <div className="rfc-scroller" data-testid="check-board" role="table" aria-label={t('fleet.board.label')}>
      <div className="rfc-board" style={{ gridTemplateColumns: columnTemplate }}>
        <div className="rfc-board-head rfc-board-corner" role="columnheader">
          {t('fleet.board.business')}
        </div>
        {board.columns.map((col) => (
          <div key={col.key} className="rfc-board-head" role="columnheader" data-testid="board-host">
            <Group gap={4} wrap="nowrap">
              <CheckStatusIcon status={col.status} size={13} />
              {col.key === '' ? (
                <Tooltip label={t('fleet.board.noHostHint')} multiline maw={300}>
                  <Text size="xs" fw={600} fs="italic" truncate>
                    {t('fleet.board.noHost')}
                  </Text>
                </Tooltip>
              ) : (
                <Text size="xs" fw={600} truncate title={col.name ?? col.key}>
                  {col.name ?? col.key}
                </Text>
              )}
            </Group>
          </div>
        ))}
        {board.rows.map((row) => (
          <div
            key={row.key}
            role="row"
            style={{ display: 'contents' }}
            data-testid="board-row"
            data-business={row.name ?? ''}
          >
            <div className="rfc-board-rowhead" role="rowheader">
              {row.key === '' ? (
                <Tooltip label={t('fleet.board.noBusinessHint')} multiline maw={300}>
                  <Text size="xs" fw={600} fs="italic">
                    {t('fleet.board.noBusiness')}
                  </Text>
                </Tooltip>
              ) : (
                <Text size="xs" fw={600} style={{ wordBreak: 'break-word' }}>
                  {row.name ?? row.key}
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
            {board.columns.map((col) => {
              const cell = row.cells.get(col.key);
              return cell ? (
                <div key={col.key} role="cell" className="rfc-board-td">
                  <Cell cell={cell} onOpen={() => onOpenCell(row.key, col.key)} testId="board-cell" />
                </div>
              ) : (
                <div
                  key={col.key}
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
        ))}
      </div>
    </div>
  );
}
