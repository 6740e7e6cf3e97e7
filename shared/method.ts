/**
 * Building blocks every area's method map uses: the `method` helper that
 * keeps each spec's input and output types, and the small schemas shared
 * across areas. Pure: no Node, DOM or Electron imports (enforced by lint).
 */
import { z } from 'zod';
import { IdSchema } from './domain';

export interface MethodSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  input: I;
  output: O;
  /** One line for the README's API list and the automation docs. */
  summary: string;
}

export function method<I extends z.ZodType, O extends z.ZodType>(spec: MethodSpec<I, O>): MethodSpec<I, O> {
  return spec;
}

export const NoInput = z.object({}).strict();
export const ById = z.object({ id: IdSchema }).strict();

/** The restic (or mc) command line equivalent to what the core ran, secrets masked. */
export const CommandLine = z.string();

export const SnapshotIdInput = z.string().regex(/^[0-9a-f]{4,64}$/, 'a snapshot id is 4 to 64 hex digits');

/** A job was started: follow it with jobs.get / the jobs.changed event. */
export const JobStartedSchema = z.object({ jobId: z.string(), command: CommandLine });

/** What a typed confirmation carries (the name, host name or id the user typed). */
export const ConfirmInput = z.string().max(8192);
