/** The restore screen (being built this session; replaced by its owner). */
import { Text } from '@mantine/core';

export function RestoreScreen() {
  return <Text p="md">restore</Text>;
}
