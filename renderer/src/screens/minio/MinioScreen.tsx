/** The minio screen (being built this session; replaced by its owner). */
import { Text } from '@mantine/core';

export function MinioScreen() {
  return <Text p="md">minio</Text>;
}
