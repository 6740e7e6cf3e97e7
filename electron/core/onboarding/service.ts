/**
 * The onboarding state machine: records, step inputs, step runs (one job
 * each, audited, with the equivalent commands), resume from where it
 * stopped, and rollback of exactly what this onboarding created, newest
 * first. One job at a time per onboarding.
 */
import {
  ConsoleError,
  BusinessStepInputSchema,
  ONBOARDING_STEPS,
  StepInputSchema,
  stepNumber,
  type BucketCheck,
  type BusinessStepInput,
  type ErrorBody,
  type OnboardingDetail,
  type OnboardingStep,
  type OnboardingSummary,
  type StepInput,
} from '../../../shared';
import type { z } from 'zod';
import type { AuditLog } from '../audit/audit-log';
import type { JobManager } from '../jobs/job-manager';
import type { OnboardingPorts } from './ports';
import { OnboardingStore, type StoredResource } from './store';
import { checkCron, STEP_RUNNERS, STEP_TITLES, type StepCore, type StepRun } from './steps';

export const ONBOARDING_STEP_JOB_KIND = 'onboarding.step';
export const ONBOARDING_ROLLBACK_JOB_KIND = 'onboarding.rollback';

export interface OnboardingServiceDeps {
  store: OnboardingStore;
  ports: OnboardingPorts;
  core: StepCore;
  jobs: JobManager;
  audit: AuditLog;
  /** Tells clients an onboarding changed (and what it touched in the inventory). */
  changed(): void;
}

function toBody(error: unknown): ErrorBody {
  if (error instanceof ConsoleError) return error.toBody();
  return { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
}

export class OnboardingService {
  /** onboarding id → the job running for it. */
  private readonly active = new Map<string, string>();

  constructor(private readonly deps: OnboardingServiceDeps) {
    const stopped = deps.store.failInterrupted(
      'The console stopped while this step ran; run it again to finish it.',
    );
    if (stopped > 0) deps.changed();
  }

  private get store(): OnboardingStore {
    return this.deps.store;
  }

  private busy(id: string): boolean {
    const jobId = this.active.get(id);
    if (jobId === undefined) return false;
    try {
      const { status } = this.deps.jobs.get(jobId);
      if (status === 'queued' || status === 'running') return true;
    } catch {
      // pruned: not running
    }
    this.active.delete(id);
    return false;
  }

  private requireIdle(id: string): void {
    if (this.busy(id))
      throw new ConsoleError(
        'CONFLICT',
        'A step of this onboarding is running; wait for it or cancel its job.',
      );
  }

  list(): OnboardingSummary[] {
    return this.store.ids().map((id) => this.store.summary(id, this.busy(id)));
  }

  get(id: string): OnboardingDetail {
    return this.store.detail(id, this.busy(id));
  }

  /** Step 1's input makes the record; nothing else changes until a step runs. */
  start(raw: BusinessStepInput): OnboardingDetail {
    const input = parseOr(BusinessStepInputSchema, raw);
    const { businesses } = this.deps.core.store;
    if (input.existingBusinessId) businesses.get(input.existingBusinessId);
    const id = this.store.create(input.name, { business: input });
    this.deps.audit.record({
      action: 'onboarding.start',
      target: `onboarding:${id}`,
      result: 'succeeded',
      detail: { business: input.name },
    });
    this.deps.changed();
    return this.get(id);
  }

  saveStep(id: string, raw: StepInput): OnboardingDetail {
    const data = parseOr(StepInputSchema, raw);
    this.store.requireActive(id);
    this.requireIdle(id);
    const before = this.store.inputs(id)[data.step];
    const same = JSON.stringify(before) === JSON.stringify(data.input);
    if (data.step === 'bucket') {
      requireBucketRules(this.deps.ports, data.input.bucket);
      const old = this.store.inputs(id).bucket;
      if (
        old &&
        this.store.stepStatus(id, 'bucket') === 'done' &&
        (old.bucket !== data.input.bucket || old.minioId !== data.input.minioId)
      ) {
        throw new ConsoleError(
          'CONFLICT',
          `Bucket "${old.bucket}" is made already; roll back this onboarding to use another bucket.`,
        );
      }
    }
    if (data.step === 'repository' && data.input.offsite)
      requireBucketRules(this.deps.ports, data.input.offsite.bucket);
    if (data.step === 'hosts') {
      for (const h of data.input.hosts) checkCron(h.schedule);
      const hostIds = data.input.hosts.map((h) => h.hostId);
      if (new Set(hostIds).size !== hostIds.length)
        throw new ConsoleError('BAD_REQUEST', 'A host is picked twice.');
    }
    this.store.setInput(id, data.step, data.input);
    if (!same && this.store.stepStatus(id, data.step) === 'done') {
      // What the step made no longer matches its input: it and the steps after it run again.
      for (const s of ONBOARDING_STEPS.slice(ONBOARDING_STEPS.indexOf(data.step)))
        this.store.resetStep(id, s);
      if (this.store.status(id) === 'done') this.store.setStatus(id, 'in_progress');
    }
    this.deps.audit.record({
      action: 'onboarding.saveStep',
      target: `onboarding:${id}`,
      result: 'succeeded',
      detail: { step: data.step },
    });
    this.deps.changed();
    return this.get(id);
  }

  private requireRunnable(id: string, step: OnboardingStep): void {
    this.store.requireActive(id);
    if (this.store.inputs(id)[step] === undefined && !optionalInput(step)) {
      throw new ConsoleError(
        'CONFLICT',
        `Step ${stepNumber(step)} (${STEP_TITLES[step]}) has no saved input yet.`,
      );
    }
    for (const earlier of ONBOARDING_STEPS.slice(0, ONBOARDING_STEPS.indexOf(step))) {
      if (this.store.stepStatus(id, earlier) !== 'done') {
        throw new ConsoleError(
          'CONFLICT',
          `Step ${stepNumber(step)} (${STEP_TITLES[step]}) needs step ${stepNumber(earlier)} (${STEP_TITLES[earlier]}) done first.`,
        );
      }
    }
  }

  runStep(id: string, step: OnboardingStep): { jobId: string; step: OnboardingStep } {
    this.requireIdle(id);
    this.requireRunnable(id, step);
    return { jobId: this.submitStep(id, step, false), step };
  }

  /** From the first step not done through every step that can run, one job each. */
  resume(id: string): { jobId: string | null; step: OnboardingStep | null } {
    this.requireIdle(id);
    this.store.requireActive(id);
    const next = this.nextRunnable(id);
    if (!next) return { jobId: null, step: null };
    this.requireRunnable(id, next);
    return { jobId: this.submitStep(id, next, true), step: next };
  }

  private nextRunnable(id: string): OnboardingStep | null {
    const step = ONBOARDING_STEPS.find((s) => this.store.stepStatus(id, s) !== 'done');
    if (!step) return null;
    if (this.store.inputs(id)[step] === undefined && !optionalInput(step)) return null;
    return step;
  }

  private submitStep(id: string, step: OnboardingStep, chain: boolean): string {
    const name = this.store.businessName(id);
    const record = this.deps.jobs.submit({
      kind: ONBOARDING_STEP_JOB_KIND,
      target: `onboarding:${id}`,
      title: `Onboarding ${name}: step ${stepNumber(step)}, ${STEP_TITLES[step]}`,
      priority: 'manual',
      run: async (job) => {
        this.store.stepStarted(id, step, job.id);
        this.deps.changed();
        const commands: string[] = [];
        const notes: string[] = [];
        const run: StepRun = {
          id,
          inputs: this.store.inputs(id),
          store: this.store,
          ports: this.deps.ports,
          core: this.deps.core,
          job,
          command: (line) => {
            commands.push(line);
            job.log(`$ ${line}`, 'info');
            if (commands.length === 1) job.setCommand(line);
          },
          note: (text) => {
            notes.push(text);
            job.log(text, 'info');
          },
          record: (kind, ref, label, data) => this.store.addResource(id, step, kind, ref, label, data),
          unrecord: (kind, ref) => this.store.dropResource(id, kind, ref),
        };
        job.log(`Step ${stepNumber(step)}: ${STEP_TITLES[step]}`, 'info');
        try {
          await STEP_RUNNERS[step](run);
          this.store.stepEnded(id, step, { error: null, commands, notes });
          if (ONBOARDING_STEPS.every((s) => this.store.stepStatus(id, s) === 'done'))
            this.store.setStatus(id, 'done');
          this.deps.audit.record({
            action: `onboarding.step.${step}`,
            target: `onboarding:${id}`,
            result: 'succeeded',
          });
        } catch (error) {
          const body = toBody(error);
          job.log(`${body.code}: ${body.message}`, 'stderr');
          this.store.stepEnded(id, step, { error: body, commands, notes });
          this.deps.audit.record({
            action: `onboarding.step.${step}`,
            target: `onboarding:${id}`,
            result: 'failed',
            detail: { code: body.code },
          });
          throw error;
        } finally {
          this.deps.changed();
        }
      },
    });
    this.active.set(id, record.id);
    if (chain) {
      void this.deps.jobs.wait(record.id).then(
        (done) => {
          if (done.status !== 'succeeded' && done.status !== 'partial') return;
          if (this.active.get(id) === record.id) this.active.delete(id);
          const next = this.nextRunnable(id);
          if (next && this.store.status(id) === 'in_progress') this.submitStep(id, next, true);
        },
        () => undefined,
      );
    }
    return record.id;
  }

  /** Undo what this onboarding created, newest first; a resource that cannot go stays listed with the reason. */
  rollback(id: string, confirm: string): { jobId: string } {
    this.requireIdle(id);
    const name = this.store.businessName(id);
    if (confirm !== name) {
      this.deps.audit.record({ action: 'onboarding.rollback', target: `onboarding:${id}`, result: 'denied' });
      throw new ConsoleError(
        'BAD_REQUEST',
        `To roll back this onboarding, type the business name exactly: "${name}".`,
      );
    }
    if (this.store.status(id) === 'rolled_back')
      throw new ConsoleError('CONFLICT', 'This onboarding was rolled back already.');
    this.store.setStatus(id, 'rolling_back');
    const record = this.deps.jobs.submit({
      kind: ONBOARDING_ROLLBACK_JOB_KIND,
      target: `onboarding:${id}`,
      title: `Roll back the onboarding of ${name}`,
      priority: 'manual',
      run: async (job) => {
        const left = this.store
          .resources(id)
          .filter((r) => r.removedAt === null)
          .reverse();
        const failed: string[] = [];
        for (const resource of left) {
          try {
            const line = await this.undo(resource, job.signal);
            if (line) job.log(`$ ${line}`, 'info');
            this.store.resourceRemoved(resource.id);
            job.log(`Removed ${resource.label}.`, 'info');
            this.deps.audit.record({
              action: `onboarding.rollback.${resource.kind}`,
              target: `onboarding:${id}`,
              result: 'succeeded',
              detail: { ref: resource.ref },
            });
          } catch (error) {
            const body = toBody(error);
            this.store.resourceRemoveFailed(resource.id, body);
            failed.push(`${resource.label}: ${body.message}`);
            job.log(`Could not remove ${resource.label}: ${body.code}: ${body.message}`, 'stderr');
            this.deps.audit.record({
              action: `onboarding.rollback.${resource.kind}`,
              target: `onboarding:${id}`,
              result: 'failed',
              detail: { ref: resource.ref, code: body.code },
            });
          }
          this.deps.changed();
        }
        if (failed.length > 0) {
          const error = new ConsoleError(
            'CONFLICT',
            `Not everything could be removed; still there: ${failed.join('; ')}`,
            { left: failed.length },
          );
          this.store.setStatus(id, 'rolling_back', error.toBody());
          this.deps.changed();
          throw error;
        }
        this.store.setStatus(id, 'rolled_back');
        this.store.setBusinessId(id, null);
        this.deps.changed();
      },
    });
    this.active.set(id, record.id);
    this.store.setRollbackJob(id, record.id);
    this.deps.audit.record({
      action: 'onboarding.rollback',
      target: `onboarding:${id}`,
      result: 'succeeded',
      detail: { jobId: record.id },
    });
    this.deps.changed();
    return { jobId: record.id };
  }

  /** Removes one thing a step made; gone already counts as removed. Returns the equivalent command. */
  private async undo(resource: StoredResource, signal: AbortSignal): Promise<string | null> {
    const { core, ports } = this.deps;
    const d = resource.data;
    switch (resource.kind) {
      case 'runner':
        await ports.runner.uninstall(d.hostId ?? '', d.planId ?? '', signal);
        return null;
      case 'plan':
        if (core.store.plans.list().some((p) => p.id === resource.ref)) core.store.plans.remove(resource.ref);
        return null;
      case 'repository':
        if ((await core.store.repositories.list()).some((r) => r.id === resource.ref))
          await core.store.repositories.remove(resource.ref);
        return null;
      case 'secret':
        await core.secrets.delete(resource.ref);
        return null;
      case 'user':
        if (await ports.minio.userExists(d.minioId ?? '', d.accessKey ?? ''))
          await ports.minio.removeUser(d.minioId ?? '', d.accessKey ?? '');
        return `mc admin user remove ${await ports.minio.alias(d.minioId ?? '')} ${d.accessKey}`;
      case 'policy':
        if (await ports.minio.policyExists(d.minioId ?? '', d.name ?? ''))
          await ports.minio.removePolicy(d.minioId ?? '', d.name ?? '');
        return `mc admin policy remove ${await ports.minio.alias(d.minioId ?? '')} ${d.name}`;
      case 'bucket':
        if (await ports.minio.bucketExists(d.minioId ?? '', d.bucket ?? ''))
          await ports.minio.removeBucket(d.minioId ?? '', d.bucket ?? '');
        return `mc rb --force ${await ports.minio.alias(d.minioId ?? '')}/${d.bucket}`;
      case 'business':
        if (core.store.businesses.list().some((b) => b.id === resource.ref))
          core.store.businesses.remove(resource.ref);
        return null;
    }
  }

  /** The bucket rules, then (when a connection is given and answers) whether the name is taken. */
  async validateBucket(minioId: string | undefined, bucket: string): Promise<BucketCheck> {
    const problems = this.deps.ports.minio.bucketNameProblems(bucket);
    if (problems.length > 0 || minioId === undefined) {
      return { bucket, valid: problems.length === 0, problems, taken: null, error: null };
    }
    try {
      await this.deps.ports.minio.probe(minioId);
      const exists = await this.deps.ports.minio.bucketExists(minioId, bucket);
      // A bucket this console's onboarding made is "taken" for anyone but that onboarding.
      return { bucket, valid: true, problems, taken: exists, error: null };
    } catch (error) {
      return { bucket, valid: true, problems, taken: null, error: toBody(error) };
    }
  }
}

/** Direct callers (tests, other core modules) get the contract's validation too. */
function parseOr<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConsoleError(
      'BAD_REQUEST',
      `${issue?.path.join('.') || 'input'}: ${issue?.message ?? 'invalid'}`,
      {
        issues: parsed.error.issues.slice(0, 5),
      },
    );
  }
  return parsed.data;
}

/** Steps whose input has no fields: saving them is not needed to run them. */
function optionalInput(step: OnboardingStep): boolean {
  return step === 'keys' || step === 'install' || step === 'firstBackup' || step === 'repository';
}

function requireBucketRules(ports: OnboardingPorts, bucket: string): void {
  const problems = ports.minio.bucketNameProblems(bucket);
  if (problems.length > 0) {
    throw new ConsoleError(
      'BUCKET_INVALID',
      `"${bucket}" is not a valid bucket name: ${problems.join('; ')}.`,
      { problems },
    );
  }
}
