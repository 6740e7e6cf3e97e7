import { Skeleton, Stack, Text } from '@mantine/core';

/** What a table looks like while its first page loads: says what is loading, and rows to come. */
export function TableSkeleton({ label, rows = 6 }: { label: string; rows?: number }) {
  return (
    <Stack gap={4} aria-busy="true" data-testid="table-loading">
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      {Array.from({ length: rows }, (_, i) => (
        <Skeleton key={i} height={22} />
      ))}
    </Stack>
  );
}
