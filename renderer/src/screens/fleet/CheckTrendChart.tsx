/**
 * Failing and warning items per day (stacked bars): whether the fleet is
 * getting better or worse says more than today's number.
 */
import { useMemo } from 'react';
import { Group, Skeleton, Text, useMantineTheme, useComputedColorScheme } from '@mantine/core';
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useTranslation } from 'react-i18next';
import type { MethodOutput } from '../../../../shared';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useCheckTrend } from '../../queries/hooks';

type TrendPoint = MethodOutput<'fleet.checkTrend'>[number];
interface ChartPoint {
  day: string;
  failing: number | null;
  warning: number | null;
  ok: number | null;
}

function localDay(d: Date): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** One point per calendar day (oldest first); days without a check stay empty, not zero. */
export function fillDays(points: readonly TrendPoint[], days: number, today = new Date()): ChartPoint[] {
  const byDay = new Map(points.map((p) => [p.day, p]));
  const out: ChartPoint[] = [];
  for (let i = days - 1; i >= 0; i--) {
    const d = new Date(today.getFullYear(), today.getMonth(), today.getDate() - i);
    const key = localDay(d);
    const p = byDay.get(key);
    out.push({ day: key, failing: p?.failing ?? null, warning: p?.warning ?? null, ok: p?.ok ?? null });
  }
  return out;
}

function Legend({ color, label }: { color: string; label: string }) {
  return (
    <Group gap={3} wrap="nowrap">
      <span
        aria-hidden
        style={{ width: 8, height: 8, borderRadius: 2, background: color, display: 'inline-block' }}
      />
      <Text size="10px" c="dimmed">
        {label}
      </Text>
    </Group>
  );
}

export function CheckTrendChart({ days = 30 }: { days?: number }) {
  const { t } = useTranslation();
  const theme = useMantineTheme();
  const scheme = useComputedColorScheme('light');
  const trend = useCheckTrend(days);
  const data = useMemo(() => fillDays(trend.data ?? [], days), [trend.data, days]);
  const withChecks = data.filter((p) => p.ok !== null);
  const last = withChecks[withChecks.length - 1];
  const axis = scheme === 'dark' ? theme.colors.dark[2] : theme.colors.gray[6];
  const grid = scheme === 'dark' ? theme.colors.dark[4] : theme.colors.gray[2];

  return (
    <div style={{ minWidth: 0 }} data-testid="check-trend">
      <Group justify="space-between" gap={4} wrap="nowrap">
        <Text size="xs" fw={600} truncate>
          {t('fleet.trend.title')}
        </Text>
        <Group gap={8} wrap="nowrap">
          <Legend color={theme.colors.red[6]} label={t('fleet.status.failing')} />
          <Legend color={theme.colors.yellow[5]} label={t('fleet.status.warning')} />
          <Text size="10px" c="dimmed">
            {t('fleet.trend.range', { days })}
          </Text>
        </Group>
      </Group>
      {trend.isPending ? (
        <Skeleton height={86} mt={4} />
      ) : trend.isError ? (
        <ErrorAlert error={trend.error} title={t('fleet.trend.failed')} />
      ) : withChecks.length === 0 ? (
        <Text size="xs" c="dimmed" py="lg" ta="center" data-testid="check-trend-empty">
          {t('fleet.trend.empty', { days })}
        </Text>
      ) : (
        <div
          role="img"
          aria-label={t('fleet.trend.aria', {
            days,
            checks: withChecks.length,
            failing: last?.failing ?? 0,
            warning: last?.warning ?? 0,
            day: last?.day ?? '',
          })}
          style={{ height: 86 }}
        >
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={data} margin={{ top: 6, right: 4, bottom: 0, left: 0 }} barCategoryGap={1}>
              <CartesianGrid vertical={false} stroke={grid} strokeDasharray="2 3" />
              <XAxis
                dataKey="day"
                tickFormatter={(d: string) => d.slice(5)}
                tick={{ fontSize: 10, fill: axis }}
                tickLine={false}
                axisLine={{ stroke: grid }}
                minTickGap={24}
                interval="preserveStartEnd"
              />
              <YAxis
                allowDecimals={false}
                tick={{ fontSize: 10, fill: axis }}
                tickLine={false}
                axisLine={false}
                width={24}
              />
              <Tooltip
                cursor={{ fill: grid, opacity: 0.5 }}
                isAnimationActive={false}
                content={({ active, payload, label }) => {
                  if (!active || !payload?.length) return null;
                  const p = payload[0]?.payload as ChartPoint | undefined;
                  if (!p) return null;
                  return (
                    <div className="rfc-chart-tooltip">
                      <div style={{ fontWeight: 600 }}>{String(label)}</div>
                      {p.ok === null ? (
                        <div>{t('fleet.trend.noCheck')}</div>
                      ) : (
                        <>
                          <div style={{ color: theme.colors.red[7] }}>
                            {t('fleet.counts.failing', { count: p.failing ?? 0 })}
                          </div>
                          <div style={{ color: theme.colors.yellow[8] }}>
                            {t('fleet.counts.warning', { count: p.warning ?? 0 })}
                          </div>
                          <div style={{ color: theme.colors.teal[7] }}>
                            {t('fleet.counts.ok', { count: p.ok ?? 0 })}
                          </div>
                        </>
                      )}
                    </div>
                  );
                }}
              />
              <Bar
                dataKey="failing"
                stackId="items"
                fill={theme.colors.red[6]}
                name={t('fleet.status.failing')}
                isAnimationActive={false}
              />
              <Bar
                dataKey="warning"
                stackId="items"
                fill={theme.colors.yellow[5]}
                name={t('fleet.status.warning')}
                isAnimationActive={false}
                radius={[2, 2, 0, 0]}
              />
            </BarChart>
          </ResponsiveContainer>
        </div>
      )}
    </div>
  );
}
