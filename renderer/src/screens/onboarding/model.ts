/** Pure helpers of the onboarding screens: what a step's state looks like and says. */
import {
  ConsoleError,
  ONBOARDING_STEPS,
  type ErrorBody,
  type OnboardingDetail,
  type OnboardingStatus,
  type OnboardingStep,
  type StepStatus,
} from '../../../../shared';

export const STEP_STATUS_COLOR: Record<StepStatus, string> = {
  pending: 'gray',
  running: 'blue',
  done: 'teal',
  failed: 'red',
};

export const STATUS_COLOR: Record<OnboardingStatus, string> = {
  in_progress: 'blue',
  done: 'teal',
  rolling_back: 'orange',
  rolled_back: 'gray',
};

export function stepIndex(step: OnboardingStep): number {
  return ONBOARDING_STEPS.indexOf(step);
}

/** The step the wizard opens on: the first one not done, else the last. */
export function openingStep(d: Pick<OnboardingDetail, 'steps'>): OnboardingStep {
  return d.steps.find((s) => s.status !== 'done')?.step ?? 'firstBackup';
}

/** An error body as the ConsoleError the ErrorAlert reads. */
export function asError(body: ErrorBody | null): ConsoleError | null {
  return body ? ConsoleError.fromBody(body) : null;
}

/** Every earlier step is done: this one may run. */
export function canRun(
  d: Pick<OnboardingDetail, 'steps' | 'status' | 'busy'>,
  step: OnboardingStep,
): boolean {
  if (d.busy || d.status === 'rolled_back' || d.status === 'rolling_back') return false;
  return d.steps.slice(0, stepIndex(step)).every((s) => s.status === 'done');
}

export const GIB = 2 ** 30;
