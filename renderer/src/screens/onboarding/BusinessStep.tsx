/** Step 1: the business (new, or one already in the inventory), its freshness target and retention policy. */
import { useState } from 'react';
import { Button, Group, NumberInput, Select, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useTranslation } from 'react-i18next';
import type { OnboardingDetail, RetentionPolicy } from '../../../../shared';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useBusinesses } from '../../queries/hooks';
import { useCallMutation } from '../../queries/mutations';

const KEEPS = ['keepLast', 'keepDaily', 'keepWeekly', 'keepMonthly', 'keepYearly'] as const;
type Keep = (typeof KEEPS)[number];

interface Values {
  existingBusinessId: string | null;
  name: string;
  ownerContact: string;
  freshnessTargetHours: number | string;
  keeps: Record<Keep, number | string>;
}

export function BusinessStepForm({
  detail,
  disabled = false,
  onStarted,
  onSaved,
}: {
  detail: OnboardingDetail | null;
  disabled?: boolean;
  onStarted?(id: string): void;
  onSaved?(): void;
}) {
  const { t } = useTranslation();
  const businesses = useBusinesses();
  const saved = detail?.inputs.business;
  const [failure, setFailure] = useState<unknown>(null);
  const form = useForm<Values>({
    mode: 'controlled',
    initialValues: {
      existingBusinessId: saved?.existingBusinessId ?? null,
      name: saved?.name ?? '',
      ownerContact: saved?.ownerContact ?? '',
      freshnessTargetHours: saved?.freshnessTargetHours ?? 26,
      keeps: Object.fromEntries(
        KEEPS.map((k) => [
          k,
          saved?.retention[k] ??
            (saved
              ? ''
              : (({ keepDaily: 7, keepWeekly: 4, keepMonthly: 12 } as Record<string, number>)[k] ?? '')),
        ]),
      ) as Record<Keep, number | string>,
    },
    validate: {
      name: (v) => (v.trim() === '' ? t('onboarding.business.nameRequired') : null),
      freshnessTargetHours: (v) =>
        typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 8760
          ? t('onboarding.business.hoursRange')
          : null,
      keeps: (v) =>
        KEEPS.some((k) => typeof v[k] === 'number' && v[k] > 0) ? null : t('onboarding.business.keepOne'),
    },
  });
  const start = useCallMutation('onboarding.start', { onSuccess: (d) => onStarted?.(d.id) });
  const save = useCallMutation('onboarding.saveStep', { onSuccess: () => onSaved?.() });

  const submit = form.onSubmit((v) => {
    setFailure(null);
    const retention: RetentionPolicy = {};
    for (const k of KEEPS)
      if (typeof v.keeps[k] === 'number' && v.keeps[k] > 0) retention[k] = v.keeps[k] as number;
    const input = {
      ...(v.existingBusinessId ? { existingBusinessId: v.existingBusinessId } : {}),
      name: v.name.trim(),
      ownerContact: v.ownerContact,
      freshnessTargetHours: Number(v.freshnessTargetHours),
      retention,
    };
    if (detail === null) start.mutate(input, { onError: setFailure });
    else save.mutate({ id: detail.id, data: { step: 'business', input } }, { onError: setFailure });
  });

  const pickExisting = (id: string | null) => {
    form.setFieldValue('existingBusinessId', id);
    const b = businesses.data?.find((x) => x.id === id);
    if (b) {
      form.setFieldValue('name', b.name);
      form.setFieldValue('ownerContact', b.ownerContact);
      form.setFieldValue('freshnessTargetHours', b.freshnessTargetHours);
    }
  };

  return (
    <form onSubmit={submit} noValidate data-testid="onboarding-business-form">
      <Stack gap="sm">
        <Text size="sm" c="dimmed">
          {t('onboarding.steps.business.explain')}
        </Text>
        <Select
          label={t('onboarding.business.existing')}
          description={t('onboarding.business.existingHint')}
          placeholder={t('onboarding.business.newOne')}
          clearable
          searchable
          data={(businesses.data ?? []).map((b) => ({ value: b.id, label: b.name }))}
          value={form.values.existingBusinessId}
          onChange={pickExisting}
          disabled={disabled}
          w={360}
          data-testid="onboarding-business-existing"
        />
        <SimpleGrid cols={{ base: 1, md: 3 }} spacing="sm">
          <TextInput
            label={t('onboarding.business.name')}
            required
            autoComplete="off"
            disabled={disabled || form.values.existingBusinessId !== null}
            {...form.getInputProps('name')}
            data-testid="onboarding-business-name"
          />
          <TextInput
            label={t('onboarding.business.owner')}
            placeholder="Jane Doe <jane@example.com>"
            autoComplete="off"
            disabled={disabled}
            {...form.getInputProps('ownerContact')}
            data-testid="onboarding-business-owner"
          />
          <NumberInput
            label={t('onboarding.business.freshness')}
            description={t('onboarding.business.freshnessHint')}
            min={1}
            max={8760}
            allowDecimal={false}
            suffix=" h"
            disabled={disabled}
            {...form.getInputProps('freshnessTargetHours')}
            data-testid="onboarding-business-freshness"
          />
        </SimpleGrid>
        <Text size="sm" fw={600}>
          {t('onboarding.business.retention')}
        </Text>
        <Text size="xs" c="dimmed">
          {t('onboarding.business.retentionHint')}
        </Text>
        <Group gap="sm" align="flex-start">
          {KEEPS.map((k) => (
            <NumberInput
              key={k}
              label={t(`onboarding.business.keeps.${k}`)}
              min={0}
              max={100000}
              allowDecimal={false}
              w={110}
              size="xs"
              disabled={disabled}
              {...form.getInputProps(`keeps.${k}`)}
              data-testid={`onboarding-business-${k}`}
            />
          ))}
        </Group>
        {form.errors.keeps && (
          <Text size="xs" c="red">
            {form.errors.keeps}
          </Text>
        )}
        {failure !== null && <ErrorAlert error={failure} />}
        <Group justify="flex-end">
          <Button
            type="submit"
            size="xs"
            loading={start.isPending || save.isPending}
            disabled={disabled}
            data-testid="onboarding-save"
          >
            {detail === null ? t('onboarding.startButton') : t('onboarding.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
