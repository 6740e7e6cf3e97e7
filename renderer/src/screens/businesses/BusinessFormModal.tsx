/** Add or change a business. The core's rules (INVALID_NAME, CONFLICT …) come back next to the field. */
import { useState } from 'react';
import { Button, Group, Modal, NumberInput, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useTranslation } from 'react-i18next';
import type { Business } from '../../../../shared';
import { ErrorAlert } from '../../components/ErrorAlert';
import { placeErrors } from '../../components/formErrors';
import { useCallMutation } from '../../queries/mutations';
import { queryKeys } from '../../queries/queryKeys';

interface Values {
  name: string;
  ownerContact: string;
  freshnessTargetHours: number | string;
}

const FIELDS = ['name', 'ownerContact', 'freshnessTargetHours'] as const;

export function BusinessFormModal({
  business,
  onClose,
}: {
  business: Business | 'new' | null;
  onClose(): void;
}) {
  const { t } = useTranslation();
  const editing = business !== null && business !== 'new' ? business : null;
  return (
    <Modal
      opened={business !== null}
      onClose={onClose}
      title={editing ? t('businesses.form.editTitle', { name: editing.name }) : t('businesses.form.addTitle')}
      size="md"
      data-testid="business-form"
    >
      {business !== null && <BusinessForm key={editing?.id ?? 'new'} editing={editing} onClose={onClose} />}
    </Modal>
  );
}

/** Mounted per opening, so every field starts from the business (or empty). */
function BusinessForm({ editing, onClose }: { editing: Business | null; onClose(): void }) {
  const { t } = useTranslation();
  const [unplaced, setUnplaced] = useState<unknown>(null);
  const form = useForm<Values>({
    mode: 'controlled',
    initialValues: editing
      ? {
          name: editing.name,
          ownerContact: editing.ownerContact,
          freshnessTargetHours: editing.freshnessTargetHours,
        }
      : { name: '', ownerContact: '', freshnessTargetHours: 26 },
    validate: {
      name: (v) => (v.trim() === '' ? t('businesses.form.nameRequired') : null),
      freshnessTargetHours: (v) =>
        typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 8760
          ? t('businesses.form.hoursRange')
          : null,
    },
  });

  const onError = (error: unknown) => {
    const placed = placeErrors(error, FIELDS);
    form.setErrors(placed.fields);
    setUnplaced(placed.unplaced);
  };
  const invalidate = [queryKeys.businesses.all, queryKeys.audit.all];
  const add = useCallMutation('businesses.add', { invalidate, onSuccess: onClose });
  const update = useCallMutation('businesses.update', { invalidate, onSuccess: onClose });
  const pending = add.isPending || update.isPending;

  const submit = form.onSubmit((values) => {
    setUnplaced(null);
    const input = {
      name: values.name,
      ownerContact: values.ownerContact,
      freshnessTargetHours: Number(values.freshnessTargetHours),
    };
    if (editing) update.mutate({ id: editing.id, patch: input }, { onError });
    else add.mutate(input, { onError });
  });

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        <TextInput
          label={t('businesses.form.name')}
          description={t('businesses.form.nameHint')}
          required
          data-autofocus
          autoComplete="off"
          {...form.getInputProps('name')}
          data-testid="business-form-name"
        />
        <TextInput
          label={t('businesses.form.owner')}
          description={t('businesses.form.ownerHint')}
          placeholder="Jane Doe <jane@example.com>"
          autoComplete="off"
          {...form.getInputProps('ownerContact')}
          data-testid="business-form-owner"
        />
        <NumberInput
          label={t('businesses.form.freshness')}
          description={t('businesses.form.freshnessHint')}
          min={1}
          max={8760}
          step={1}
          allowDecimal={false}
          suffix=" h"
          size="xs"
          w={180}
          {...form.getInputProps('freshnessTargetHours')}
          data-testid="business-form-freshness"
        />
        {unplaced !== null && <ErrorAlert error={unplaced} title={t('businesses.form.failed')} />}
        <Group justify="flex-end" gap="xs">
          <Button variant="default" onClick={onClose}>
            {t('actions.cancel')}
          </Button>
          <Button type="submit" loading={pending} data-testid="business-form-submit">
            {editing ? t('actions.save') : t('businesses.add')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
