/** The onboarding screen (being built this session; replaced by its owner). */
import { Text } from '@mantine/core';

export function OnboardingScreen() {
  return <Text p="md">onboarding</Text>;
}
