/**
 * A backup plan: business × host × repository × paths × excludes × tags ×
 * schedule × freshness target × retention. The repository must belong to
 * the plan's business, so the list only offers those.
 */
import { useMemo, useState } from 'react';
import {
  Button,
  Group,
  Modal,
  NumberInput,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  TagsInput,
  Text,
  TextInput,
  Textarea,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useTranslation } from 'react-i18next';
import type { Plan } from '../../../../shared';
import { ErrorAlert } from '../../components/ErrorAlert';
import { placeErrors } from '../../components/formErrors';
import { useBusinesses, useHosts, useRepos } from '../../queries/hooks';
import { useCallMutation } from '../../queries/mutations';
import { queryKeys } from '../../queries/queryKeys';

const KEEPS = ['keepLast', 'keepDaily', 'keepWeekly', 'keepMonthly', 'keepYearly'] as const;
type Keep = (typeof KEEPS)[number];

interface Values {
  name: string;
  businessId: string | null;
  repositoryId: string | null;
  hostId: string | null;
  paths: string;
  excludes: string;
  tags: string[];
  schedule: string;
  freshnessTargetHours: number | string;
  enabled: boolean;
  keepLast: number | string;
  keepDaily: number | string;
  keepWeekly: number | string;
  keepMonthly: number | string;
  keepYearly: number | string;
  keepWithin: string;
}

const EMPTY: Values = {
  name: '',
  businessId: null,
  repositoryId: null,
  hostId: null,
  paths: '',
  excludes: '',
  tags: [],
  schedule: 'daily',
  freshnessTargetHours: '',
  enabled: true,
  keepLast: '',
  keepDaily: 7,
  keepWeekly: 4,
  keepMonthly: 12,
  keepYearly: '',
  keepWithin: '',
};

const FIELDS = [
  'name',
  'businessId',
  'repositoryId',
  'hostId',
  'paths',
  'excludes',
  'tags',
  'schedule',
  'freshnessTargetHours',
  'enabled',
  ...KEEPS,
  'keepWithin',
];

/** One entry per non-empty line. */
export function lines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.replace(/\r$/, ''))
    .filter((l) => l.trim() !== '');
}

function fromPlan(plan: Plan): Values {
  const r = plan.retention ?? {};
  const keep = (k: Keep) => (typeof r[k] === 'number' ? r[k] : '');
  return {
    name: plan.name,
    businessId: plan.businessId,
    repositoryId: plan.repositoryId,
    hostId: plan.hostId,
    paths: plan.paths.join('\n'),
    excludes: plan.excludes.join('\n'),
    tags: plan.tags,
    schedule: plan.schedule,
    freshnessTargetHours: plan.freshnessTargetHours ?? '',
    enabled: plan.enabled,
    keepLast: keep('keepLast'),
    keepDaily: keep('keepDaily'),
    keepWeekly: keep('keepWeekly'),
    keepMonthly: keep('keepMonthly'),
    keepYearly: keep('keepYearly'),
    keepWithin: r.keepWithin ?? '',
  };
}

function retentionOf(v: Values) {
  const out: Record<string, number | string> = {};
  for (const k of KEEPS) if (typeof v[k] === 'number') out[k] = v[k] as number;
  if (v.keepWithin.trim()) out.keepWithin = v.keepWithin.trim();
  return Object.keys(out).length ? out : null;
}

export function PlanFormModal({ plan, onClose }: { plan: Plan | 'new' | null; onClose(): void }) {
  const { t } = useTranslation();
  const editing = plan !== null && plan !== 'new' ? plan : null;
  return (
    <Modal
      opened={plan !== null}
      onClose={onClose}
      title={editing ? t('plans.form.editTitle', { name: editing.name }) : t('plans.form.addTitle')}
      size="xl"
      data-testid="plan-form"
    >
      {plan !== null && <PlanForm key={editing?.id ?? 'new'} editing={editing} onClose={onClose} />}
    </Modal>
  );
}

/** Mounted per opening, so every field starts from the plan (or the defaults). */
function PlanForm({ editing, onClose }: { editing: Plan | null; onClose(): void }) {
  const { t } = useTranslation();
  const businesses = useBusinesses();
  const repos = useRepos();
  const hosts = useHosts();
  const [unplaced, setUnplaced] = useState<unknown>(null);
  const form = useForm<Values>({
    mode: 'controlled',
    initialValues: editing ? fromPlan(editing) : EMPTY,
    validate: {
      name: (v) => (v.trim() === '' ? t('plans.form.required') : null),
      businessId: (v) => (v ? null : t('plans.form.required')),
      repositoryId: (v) => (v ? null : t('plans.form.required')),
      hostId: (v) => (v ? null : t('plans.form.required')),
      paths: (v) =>
        lines(v).length === 0
          ? t('plans.form.pathsRequired')
          : lines(v).some((p) => !p.startsWith('/'))
            ? t('plans.form.pathsAbsolute')
            : null,
    },
  });

  const businessId = form.values.businessId;
  const business = businesses.data?.find((b) => b.id === businessId);
  const repoOptions = useMemo(
    () =>
      (repos.data ?? [])
        // repos.list may name the business without its id: match by name then.
        .filter((r) =>
          r.businessId !== undefined ? r.businessId === businessId : r.business === business?.name,
        )
        .map((r) => ({ value: r.id, label: r.name })),
    [repos.data, businessId, business?.name],
  );

  const onError = (error: unknown) => {
    const placed = placeErrors(error, FIELDS, (path) => {
      if (path[0] === 'retention' && path[1]) return FIELDS.includes(path[1]) ? path[1] : null;
      return FIELDS.includes(path[0] ?? '') ? path[0]! : null;
    });
    form.setErrors(placed.fields);
    setUnplaced(placed.unplaced);
  };
  const invalidate = [queryKeys.plans.all, queryKeys.audit.all];
  const add = useCallMutation('plans.add', { invalidate, onSuccess: onClose });
  const update = useCallMutation('plans.update', { invalidate, onSuccess: onClose });

  const submit = form.onSubmit((v) => {
    setUnplaced(null);
    const common = {
      name: v.name,
      hostId: v.hostId!,
      repositoryId: v.repositoryId!,
      paths: lines(v.paths),
      excludes: lines(v.excludes),
      tags: v.tags,
      schedule: v.schedule.trim() || 'daily',
      freshnessTargetHours: typeof v.freshnessTargetHours === 'number' ? v.freshnessTargetHours : null,
      retention: retentionOf(v),
      enabled: v.enabled,
    };
    if (editing) update.mutate({ id: editing.id, patch: common }, { onError });
    else add.mutate({ ...common, businessId: v.businessId! }, { onError });
  });

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        <SimpleGrid cols={2} spacing="sm" verticalSpacing="sm">
          <TextInput
            label={t('plans.form.name')}
            required
            data-autofocus
            autoComplete="off"
            {...form.getInputProps('name')}
            data-testid="plan-form-name"
          />
          <Select
            label={t('plans.form.business')}
            required
            searchable
            disabled={editing !== null}
            description={editing ? t('plans.form.businessFixed') : undefined}
            data={(businesses.data ?? []).map((b) => ({ value: b.id, label: b.name }))}
            {...form.getInputProps('businessId')}
            onChange={(v) => {
              form.setFieldValue('businessId', v);
              form.setFieldValue('repositoryId', null);
            }}
            comboboxProps={{ withinPortal: true }}
            data-testid="plan-form-business"
          />
          <Select
            label={t('plans.form.repository')}
            required
            searchable
            description={
              businessId && repoOptions.length === 0
                ? t('plans.form.noRepos')
                : t('plans.form.repositoryHint')
            }
            disabled={!businessId}
            data={repoOptions}
            {...form.getInputProps('repositoryId')}
            onChange={(v) => {
              form.setFieldValue('repositoryId', v);
              const repo = repos.data?.find((r) => r.id === v);
              if (repo && !form.values.hostId) form.setFieldValue('hostId', repo.hostId);
            }}
            comboboxProps={{ withinPortal: true }}
            data-testid="plan-form-repository"
          />
          <Select
            label={t('plans.form.host')}
            description={t('plans.form.hostHint')}
            required
            searchable
            data={(hosts.data ?? []).map((h) => ({ value: h.id, label: h.name }))}
            {...form.getInputProps('hostId')}
            comboboxProps={{ withinPortal: true }}
            data-testid="plan-form-host"
          />
          <Textarea
            label={t('plans.form.paths')}
            description={t('plans.form.pathsHint')}
            required
            autosize
            minRows={3}
            maxRows={8}
            size="xs"
            spellCheck={false}
            styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 11 } }}
            {...form.getInputProps('paths')}
            data-testid="plan-form-paths"
          />
          <Textarea
            label={t('plans.form.excludes')}
            description={t('plans.form.excludesHint')}
            autosize
            minRows={3}
            maxRows={8}
            size="xs"
            spellCheck={false}
            styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 11 } }}
            {...form.getInputProps('excludes')}
            data-testid="plan-form-excludes"
          />
          <TextInput
            label={t('plans.form.schedule')}
            description={t('plans.form.scheduleHint')}
            autoComplete="off"
            spellCheck={false}
            {...form.getInputProps('schedule')}
            data-testid="plan-form-schedule"
          />
          <NumberInput
            label={t('plans.form.freshness')}
            description={
              business
                ? t('plans.form.freshnessHint', { hours: business.freshnessTargetHours })
                : t('plans.form.freshnessHintNoBusiness')
            }
            placeholder={business ? String(business.freshnessTargetHours) : undefined}
            min={1}
            max={8760}
            allowDecimal={false}
            suffix=" h"
            size="xs"
            {...form.getInputProps('freshnessTargetHours')}
            data-testid="plan-form-freshness"
          />
          <TagsInput
            label={t('plans.form.tags')}
            description={t('plans.form.tagsHint')}
            size="xs"
            splitChars={[',', ' ']}
            clearable
            {...form.getInputProps('tags')}
            data-testid="plan-form-tags"
          />
          <Switch
            label={t('plans.form.enabled')}
            description={t('plans.form.enabledHint')}
            size="sm"
            mt="lg"
            {...form.getInputProps('enabled', { type: 'checkbox' })}
            data-testid="plan-form-enabled"
          />
        </SimpleGrid>
        <div>
          <Text size="xs" fw={500}>
            {t('plans.form.retention')}
          </Text>
          <Text size="xs" c="dimmed" mb={4}>
            {t('plans.form.retentionHint')}
          </Text>
          <Group gap="xs" wrap="nowrap" align="flex-start">
            {KEEPS.map((k) => (
              <NumberInput
                key={k}
                label={t(`plans.form.keep.${k}`)}
                min={0}
                allowDecimal={false}
                size="xs"
                w={96}
                {...form.getInputProps(k)}
                data-testid={`plan-form-${k}`}
              />
            ))}
            <TextInput
              label={t('plans.form.keep.keepWithin')}
              placeholder="30d"
              size="xs"
              w={110}
              {...form.getInputProps('keepWithin')}
              data-testid="plan-form-keepWithin"
            />
          </Group>
        </div>
        {unplaced !== null && <ErrorAlert error={unplaced} title={t('plans.form.failed')} />}
        <Group justify="flex-end" gap="xs">
          <Button variant="default" onClick={onClose}>
            {t('actions.cancel')}
          </Button>
          <Button type="submit" loading={add.isPending || update.isPending} data-testid="plan-form-submit">
            {editing ? t('actions.save') : t('plans.add')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
