/**
 * How the repository grew: new data each snapshot stored, summed over
 * time (the area), and each host's backed-up size per snapshot (lines).
 * Snapshots made by restic older than 0.17 carry no summary: then the
 * chart shows the snapshot count over time and says why.
 */
import { useMemo } from 'react';
import { Group, Text, useComputedColorScheme, useMantineTheme } from '@mantine/core';
import {
  Area,
  CartesianGrid,
  ComposedChart,
  Line,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { useTranslation } from 'react-i18next';
import {
  displaySafe,
  formatBytes,
  formatCount,
  formatLocalTime,
  type GrowthPoint,
  type Snapshot,
} from '../../../../shared';
import { growthChart, growthSeriesLabel, type GrowthChartPoint } from './repoModel';

const HOST_COLORS = ['indigo', 'teal', 'orange', 'grape', 'cyan', 'pink'] as const;

function tickFormatter(spanMs: number) {
  return (t: number) => {
    const s = formatLocalTime(new Date(t).toISOString());
    // Over a few days the day says enough; within two days the hour matters.
    return spanMs > 2 * 86_400_000 ? s.slice(5, 10) : s.slice(5, 16);
  };
}

function Swatch({ color, label, dashed = false }: { color: string; label: string; dashed?: boolean }) {
  return (
    <Group gap={3} wrap="nowrap">
      <span
        aria-hidden
        style={{
          width: 10,
          height: dashed ? 0 : 8,
          borderTop: dashed ? `2px solid ${color}` : undefined,
          borderRadius: 2,
          background: dashed ? undefined : color,
          display: 'inline-block',
        }}
      />
      <Text size="10px" c="dimmed">
        {label}
      </Text>
    </Group>
  );
}

export function GrowthChart({
  growth,
  snapshots,
  storedNow,
  height = 180,
}: {
  growth: GrowthPoint[];
  /** What the repository stores now (raw data), drawn as a reference line. */
  storedNow?: number;
  /** The repository's snapshots, when loaded: lines per plan or backup source instead of per host. */
  snapshots?: readonly Snapshot[];
  height?: number;
}) {
  const { t } = useTranslation();
  const theme = useMantineTheme();
  const scheme = useComputedColorScheme('light');
  const data = useMemo(() => {
    const byId = new Map((snapshots ?? []).map((s) => [s.id, s]));
    return growthChart(growth, 6, (g) => growthSeriesLabel(byId.get(g.snapshotId), g.hostname));
  }, [growth, snapshots]);
  const axis = scheme === 'dark' ? theme.colors.dark[2] : theme.colors.gray[6];
  const grid = scheme === 'dark' ? theme.colors.dark[4] : theme.colors.gray[2];
  const areaColor = theme.colors.blue[scheme === 'dark' ? 4 : 5];
  const hostColor = (i: number) => theme.colors[HOST_COLORS[i % HOST_COLORS.length]!]![6];
  const first = data.points[0];
  const last = data.points[data.points.length - 1];
  const span = first && last ? last.t - first.t : 0;

  const header = (
    <Group justify="space-between" gap={4} wrap="nowrap">
      <Text size="xs" fw={600}>
        {t('repository.growth.title')}
      </Text>
      {data.points.length > 0 && (
        <Group gap={8} wrap="nowrap" style={{ overflow: 'hidden' }}>
          {data.hasSizes ? (
            <>
              <Swatch color={areaColor} label={t('repository.growth.stored')} />
              {data.series.map((h, i) => (
                <Swatch key={h} color={hostColor(i)} label={displaySafe(h)} dashed />
              ))}
            </>
          ) : (
            <Swatch color={areaColor} label={t('repository.growth.count')} />
          )}
        </Group>
      )}
    </Group>
  );

  if (data.points.length === 0) {
    return (
      <div data-testid="growth-chart">
        {header}
        <Text size="xs" c="dimmed" ta="center" py="lg" data-testid="growth-empty">
          {t('repository.growth.empty')}
        </Text>
      </div>
    );
  }

  const summary = data.hasSizes
    ? t('repository.growth.aria', {
        count: data.total,
        stored: formatBytes(last?.cumulativeAdded),
        from: first ? formatLocalTime(new Date(first.t).toISOString()) : '',
        to: last ? formatLocalTime(new Date(last.t).toISOString()) : '',
      })
    : t('repository.growth.ariaCount', { count: data.total });

  return (
    <div data-testid="growth-chart" data-points={data.total} style={{ minWidth: 0 }}>
      {header}
      <div role="img" aria-label={summary} style={{ height }}>
        <ResponsiveContainer width="100%" height="100%">
          <ComposedChart data={data.points} margin={{ top: 6, right: 8, bottom: 0, left: 0 }}>
            <CartesianGrid vertical={false} stroke={grid} strokeDasharray="2 3" />
            <XAxis
              dataKey="t"
              type="number"
              scale="time"
              domain={span > 0 ? ['dataMin', 'dataMax'] : ['dataMin - 3600000', 'dataMax + 3600000']}
              tickFormatter={tickFormatter(span)}
              tick={{ fontSize: 10, fill: axis }}
              tickLine={false}
              axisLine={{ stroke: grid }}
              minTickGap={32}
            />
            <YAxis
              tickFormatter={(v: number) => (data.hasSizes ? formatBytes(v) : formatCount(v))}
              tick={{ fontSize: 10, fill: axis }}
              tickLine={false}
              axisLine={false}
              width={data.hasSizes ? 72 : 32}
              allowDecimals={false}
            />
            <Tooltip
              isAnimationActive={false}
              cursor={{ stroke: grid }}
              content={({ active, payload }) => {
                if (!active || !payload?.length) return null;
                const p = payload[0]?.payload as GrowthChartPoint | undefined;
                if (!p) return null;
                return (
                  <div className="rfc-chart-tooltip">
                    <div style={{ fontWeight: 600 }}>{formatLocalTime(new Date(p.t).toISOString())}</div>
                    <div>
                      {p.snapshotId.slice(0, 8)} · {displaySafe(p.hostname)}
                    </div>
                    {data.hasSizes ? (
                      <>
                        <div>
                          {t('repository.growth.tipSize', { size: formatBytes(p.size ?? undefined) })}
                        </div>
                        <div>
                          {t('repository.growth.tipAdded', { size: formatBytes(p.added ?? undefined) })}
                        </div>
                        <div style={{ color: areaColor }}>
                          {t('repository.growth.tipStored', { size: formatBytes(p.cumulativeAdded) })}
                        </div>
                      </>
                    ) : (
                      <div>{t('repository.growth.tipCount', { count: p.count })}</div>
                    )}
                  </div>
                );
              }}
            />
            <Area
              type="stepAfter"
              dataKey={data.hasSizes ? 'cumulativeAdded' : 'count'}
              stroke={areaColor}
              fill={areaColor}
              fillOpacity={0.18}
              strokeWidth={1.5}
              isAnimationActive={false}
              name={data.hasSizes ? t('repository.growth.stored') : t('repository.growth.count')}
            />
            {data.hasSizes && storedNow !== undefined && (
              <ReferenceLine
                y={storedNow}
                stroke={axis}
                strokeDasharray="1 3"
                ifOverflow="extendDomain"
                label={{
                  value: t('repository.growth.storedNow', { size: formatBytes(storedNow) }),
                  position: 'insideTopRight',
                  fontSize: 10,
                  fill: axis,
                }}
              />
            )}
            {data.hasSizes &&
              data.series.map((h, i) => (
                <Line
                  key={h}
                  dataKey={`size:${h}`}
                  stroke={hostColor(i)}
                  strokeDasharray="4 2"
                  strokeWidth={1.5}
                  dot={data.points.length <= 120 ? { r: 2 } : false}
                  connectNulls
                  isAnimationActive={false}
                  name={h}
                />
              ))}
          </ComposedChart>
        </ResponsiveContainer>
      </div>
      <Text size="10px" c="dimmed" data-testid={data.hasSizes ? 'growth-caption' : 'growth-no-summary'}>
        {data.hasSizes ? t('repository.growth.caption') : t('repository.growth.noSummary')}
        {data.total > data.points.length
          ? ` ${t('repository.growth.thinned', { shown: data.points.length, count: data.total })}`
          : ''}
      </Text>
    </div>
  );
}
