/**
 * Onboarding records in SQLite: the record, one row per step, and the
 * resources each step created (the rollback's to-do list, newest first).
 * No secrets: inputs are what the user typed; resources carry names and ids.
 */
import {
  ConsoleError,
  ONBOARDING_STEPS,
  OnboardingInputsSchema,
  type ErrorBody,
  type OnboardingDetail,
  type OnboardingInputs,
  type OnboardingResource,
  type OnboardingStatus,
  type OnboardingStep,
  type OnboardingStepState,
  type OnboardingSummary,
  type StepStatus,
} from '../../../shared';
import { fromJson, iso, newId, notFound, type Clock } from '../store/common';
import type { Db } from '../store/db';

/** Non-secret facts the steps learn and later steps use. */
export interface OnboardingState {
  repositoryIds?: { primary: string | null; offsite: string | null };
  planIds?: Record<string, string>;
  proof?: { planId: string; hostId: string; snapshotId: string; time: string }[];
  /** Access key ids (public halves) of the generated keys. */
  hostAccessKey?: string;
  maintenanceAccessKey?: string;
  offsiteAccessKey?: string;
}

interface OnboardingRow {
  id: string;
  business_name: string;
  business_id: string | null;
  status: OnboardingStatus;
  inputs: string;
  state: string;
  last_error: string | null;
  rollback_job: string | null;
  created_at: number;
  updated_at: number;
}

interface StepRow {
  step: OnboardingStep;
  status: StepStatus;
  job_id: string | null;
  started_at: number | null;
  ended_at: number | null;
  error: string | null;
  commands: string;
  notes: string;
}

interface ResourceRow {
  id: number;
  step: OnboardingStep;
  kind: OnboardingResource['kind'];
  ref: string;
  label: string;
  data: string;
  created_at: number;
  removed_at: number | null;
  remove_error: string | null;
}

export interface StoredResource extends OnboardingResource {
  data: Record<string, string>;
}

export class OnboardingStore {
  constructor(
    private readonly db: Db,
    private readonly now: Clock = Date.now,
  ) {}

  private row(id: string): OnboardingRow {
    const row = this.db.prepare('SELECT * FROM onboardings WHERE id = ?').get(id) as
      OnboardingRow | undefined;
    if (!row) throw notFound('onboarding', id);
    return row;
  }

  create(businessName: string, inputs: OnboardingInputs): string {
    const id = newId('onb');
    const now = this.now();
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO onboardings (id, business_name, status, inputs, created_at, updated_at)
           VALUES (?, ?, 'in_progress', ?, ?, ?)`,
        )
        .run(id, businessName, JSON.stringify(inputs), now, now);
      const step = this.db.prepare(
        `INSERT INTO onboarding_steps (onboarding_id, step, status) VALUES (?, ?, 'pending')`,
      );
      for (const s of ONBOARDING_STEPS) step.run(id, s);
    })();
    return id;
  }

  ids(): string[] {
    return (
      this.db.prepare('SELECT id FROM onboardings ORDER BY updated_at DESC').all() as { id: string }[]
    ).map((r) => r.id);
  }

  exists(id: string): boolean {
    return this.db.prepare('SELECT 1 FROM onboardings WHERE id = ?').get(id) !== undefined;
  }

  inputs(id: string): OnboardingInputs {
    return OnboardingInputsSchema.parse(fromJson(this.row(id).inputs, {}));
  }

  setInput<S extends OnboardingStep>(id: string, step: S, input: NonNullable<OnboardingInputs[S]>): void {
    const inputs = { ...this.inputs(id), [step]: input };
    const businessName =
      step === 'business' ? (input as NonNullable<OnboardingInputs['business']>).name : null;
    this.db
      .prepare(
        'UPDATE onboardings SET inputs = ?, business_name = COALESCE(?, business_name), updated_at = ? WHERE id = ?',
      )
      .run(JSON.stringify(inputs), businessName, this.now(), id);
  }

  state(id: string): OnboardingState {
    return fromJson<OnboardingState>(this.row(id).state, {});
  }

  patchState(id: string, patch: Partial<OnboardingState>): void {
    const state = { ...this.state(id), ...patch };
    this.db
      .prepare('UPDATE onboardings SET state = ?, updated_at = ? WHERE id = ?')
      .run(JSON.stringify(state), this.now(), id);
  }

  status(id: string): OnboardingStatus {
    return this.row(id).status;
  }

  businessName(id: string): string {
    return this.row(id).business_name;
  }

  businessId(id: string): string | null {
    return this.row(id).business_id;
  }

  setBusinessId(id: string, businessId: string | null): void {
    this.db
      .prepare('UPDATE onboardings SET business_id = ?, updated_at = ? WHERE id = ?')
      .run(businessId, this.now(), id);
  }

  setStatus(id: string, status: OnboardingStatus, lastError: ErrorBody | null = null): void {
    this.db
      .prepare('UPDATE onboardings SET status = ?, last_error = ?, updated_at = ? WHERE id = ?')
      .run(status, lastError ? JSON.stringify(lastError) : null, this.now(), id);
  }

  setRollbackJob(id: string, jobId: string): void {
    this.db
      .prepare('UPDATE onboardings SET rollback_job = ?, updated_at = ? WHERE id = ?')
      .run(jobId, this.now(), id);
  }

  stepStatus(id: string, step: OnboardingStep): StepStatus {
    const row = this.db
      .prepare('SELECT status FROM onboarding_steps WHERE onboarding_id = ? AND step = ?')
      .get(id, step) as { status: StepStatus } | undefined;
    return row?.status ?? 'pending';
  }

  stepStarted(id: string, step: OnboardingStep, jobId: string): void {
    this.db
      .prepare(
        `UPDATE onboarding_steps SET status = 'running', job_id = ?, started_at = ?, ended_at = NULL, error = NULL,
           commands = '[]', notes = '[]' WHERE onboarding_id = ? AND step = ?`,
      )
      .run(jobId, this.now(), id, step);
    this.db
      .prepare('UPDATE onboardings SET last_error = NULL, updated_at = ? WHERE id = ?')
      .run(this.now(), id);
  }

  stepEnded(
    id: string,
    step: OnboardingStep,
    result: { error: ErrorBody | null; commands: string[]; notes: string[] },
  ): void {
    const now = this.now();
    this.db
      .prepare(
        `UPDATE onboarding_steps SET status = ?, ended_at = ?, error = ?, commands = ?, notes = ?
         WHERE onboarding_id = ? AND step = ?`,
      )
      .run(
        result.error ? 'failed' : 'done',
        now,
        result.error ? JSON.stringify(result.error) : null,
        JSON.stringify(result.commands),
        JSON.stringify(result.notes),
        id,
        step,
      );
    this.db
      .prepare('UPDATE onboardings SET last_error = ?, updated_at = ? WHERE id = ?')
      .run(result.error ? JSON.stringify(result.error) : null, now, id);
  }

  /** A later step's input changed what an earlier one made: it must run again. */
  resetStep(id: string, step: OnboardingStep): void {
    this.db
      .prepare(
        `UPDATE onboarding_steps SET status = 'pending' WHERE onboarding_id = ? AND step = ? AND status != 'running'`,
      )
      .run(id, step);
  }

  /** Steps a console that stopped mid-run left 'running' are failed with the reason. */
  failInterrupted(message: string): number {
    const error = JSON.stringify({ code: 'CANCELLED', message });
    const now = this.now();
    const changed = this.db
      .prepare(
        `UPDATE onboarding_steps SET status = 'failed', ended_at = ?, error = ? WHERE status = 'running'`,
      )
      .run(now, error).changes;
    if (changed > 0) {
      this.db
        .prepare(
          `UPDATE onboardings SET last_error = ?, updated_at = ? WHERE id IN
             (SELECT onboarding_id FROM onboarding_steps WHERE error = ? AND ended_at = ?)`,
        )
        .run(error, now, error, now);
    }
    return changed;
  }

  /** Records something a step created (once: the same kind and ref again is a no-op). */
  addResource(
    id: string,
    step: OnboardingStep,
    kind: OnboardingResource['kind'],
    ref: string,
    label: string,
    data: Record<string, string> = {},
  ): void {
    this.db
      .prepare(
        `INSERT INTO onboarding_resources (onboarding_id, step, kind, ref, label, data, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (onboarding_id, kind, ref) DO UPDATE SET removed_at = NULL, remove_error = NULL`,
      )
      .run(id, step, kind, ref, label, JSON.stringify(data), this.now());
  }

  /** Drops the record of something that turned out not to be made (its action failed before it acted). */
  dropResource(id: string, kind: OnboardingResource['kind'], ref: string): void {
    this.db
      .prepare(
        'DELETE FROM onboarding_resources WHERE onboarding_id = ? AND kind = ? AND ref = ? AND removed_at IS NULL',
      )
      .run(id, kind, ref);
  }

  /** Whether this onboarding created (and has not removed) the thing. */
  owns(id: string, kind: OnboardingResource['kind'], ref: string): boolean {
    return (
      this.db
        .prepare(
          'SELECT 1 FROM onboarding_resources WHERE onboarding_id = ? AND kind = ? AND ref = ? AND removed_at IS NULL',
        )
        .get(id, kind, ref) !== undefined
    );
  }

  /** Every onboarding that recorded this thing and still has it (e.g. who owns a bucket). */
  ownersOf(kind: OnboardingResource['kind'], ref: string): string[] {
    return (
      this.db
        .prepare(
          'SELECT onboarding_id AS id FROM onboarding_resources WHERE kind = ? AND ref = ? AND removed_at IS NULL',
        )
        .all(kind, ref) as { id: string }[]
    ).map((r) => r.id);
  }

  resources(id: string): StoredResource[] {
    const rows = this.db
      .prepare('SELECT * FROM onboarding_resources WHERE onboarding_id = ? ORDER BY id')
      .all(id) as ResourceRow[];
    return rows.map((r) => ({
      id: r.id,
      step: r.step,
      kind: r.kind,
      ref: r.ref,
      label: r.label,
      data: fromJson<Record<string, string>>(r.data, {}),
      createdAt: iso(r.created_at)!,
      removedAt: iso(r.removed_at) ?? null,
      removeError: r.remove_error
        ? fromJson<ErrorBody>(r.remove_error, { code: 'INTERNAL', message: '' })
        : null,
    }));
  }

  resourceRemoved(resourceId: number): void {
    this.db
      .prepare('UPDATE onboarding_resources SET removed_at = ?, remove_error = NULL WHERE id = ?')
      .run(this.now(), resourceId);
  }

  resourceRemoveFailed(resourceId: number, error: ErrorBody): void {
    this.db
      .prepare('UPDATE onboarding_resources SET remove_error = ? WHERE id = ?')
      .run(JSON.stringify(error), resourceId);
  }

  steps(id: string): OnboardingStepState[] {
    const inputs = this.inputs(id);
    const rows = this.db
      .prepare('SELECT * FROM onboarding_steps WHERE onboarding_id = ?')
      .all(id) as StepRow[];
    const byStep = new Map(rows.map((r) => [r.step, r]));
    return ONBOARDING_STEPS.map((step) => {
      const r = byStep.get(step);
      return {
        step,
        status: r?.status ?? 'pending',
        inputSaved: inputs[step] !== undefined,
        jobId: r?.job_id ?? null,
        startedAt: iso(r?.started_at) ?? null,
        endedAt: iso(r?.ended_at) ?? null,
        error: r?.error ? fromJson<ErrorBody>(r.error, { code: 'INTERNAL', message: '' }) : null,
        commands: fromJson<string[]>(r?.commands, []),
        notes: fromJson<string[]>(r?.notes, []),
      };
    });
  }

  summary(id: string, busy: boolean): OnboardingSummary {
    const row = this.row(id);
    const steps = this.steps(id);
    const current = steps.find((s) => s.status !== 'done');
    return {
      id: row.id,
      businessName: row.business_name,
      businessId: row.business_id,
      status: row.status,
      currentStep: current ? current.step : null,
      lastError: row.last_error
        ? fromJson<ErrorBody>(row.last_error, { code: 'INTERNAL', message: '' })
        : null,
      busy,
      createdAt: iso(row.created_at)!,
      updatedAt: iso(row.updated_at)!,
    };
  }

  detail(id: string, busy: boolean): OnboardingDetail {
    const row = this.row(id);
    const state = this.state(id);
    return {
      ...this.summary(id, busy),
      inputs: this.inputs(id),
      steps: this.steps(id),
      resources: this.resources(id).map(({ data: _data, ...r }) => r),
      repositoryIds: state.repositoryIds ?? { primary: null, offsite: null },
      planIds: state.planIds ?? {},
      proof: state.proof ?? [],
      rollbackJobId: row.rollback_job,
    };
  }

  /** Refuses changes to an onboarding that was rolled back or is being rolled back. */
  requireActive(id: string): void {
    const status = this.status(id);
    if (status === 'rolled_back' || status === 'rolling_back') {
      throw new ConsoleError(
        'CONFLICT',
        `This onboarding was ${status === 'rolled_back' ? 'rolled back' : 'being rolled back'}; start a new one.`,
      );
    }
  }
}
