/**
 * Onboarding a business: the list of onboardings (in progress, done, rolled
 * back — with the step where each stopped and why) and the wizard for one.
 */
import { useState } from 'react';
import { OnboardingList } from './OnboardingList';
import { OnboardingWizard } from './Wizard';

export function OnboardingScreen() {
  // null: the list; 'new': step 1 of a new onboarding; else the onboarding's id.
  const [open, setOpen] = useState<string | null>(null);
  return open === null ? (
    <OnboardingList onOpen={setOpen} onNew={() => setOpen('new')} />
  ) : (
    <OnboardingWizard
      key={open}
      id={open === 'new' ? null : open}
      onCreated={setOpen}
      onBack={() => setOpen(null)}
    />
  );
}
