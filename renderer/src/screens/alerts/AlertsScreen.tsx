/** The alerts screen (being built this session; replaced by its owner). */
import { Text } from '@mantine/core';

export function AlertsScreen() {
  return <Text p="md">alerts</Text>;
}
