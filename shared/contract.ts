/**
 * The typed contract between the core and every client (Electron IPC, HTTP
 * + WebSocket). Each method: a stable dotted name, a zod input and output.
 * Each event: a name and a payload schema. Transports validate input
 * against these schemas before any handler runs.
 */
import { z } from 'zod';
import { ErrorBodySchema } from './errors';
import {
  DiffChangeSchema,
  DiffStatsSchema,
  HostSchema,
  IdSchema,
  LsNodeSchema,
  RepoSchema,
  SnapshotSchema,
} from './domain';

export interface MethodSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  input: I;
  output: O;
  /** One line for the README's API list and the automation docs. */
  summary: string;
}

function method<I extends z.ZodType, O extends z.ZodType>(spec: MethodSpec<I, O>): MethodSpec<I, O> {
  return spec;
}

const NoInput = z.object({}).strict();

/** The restic command line equivalent to what the core ran, secrets masked. */
const CommandLine = z.string();

export const methods = {
  'app.info': method({
    summary: 'Version, run mode and whether the demo fleet is in use.',
    input: NoInput,
    output: z.object({
      version: z.string(),
      mode: z.enum(['desktop', 'serve']),
      demo: z.boolean(),
      dataDir: z.string(),
      /** Problems met while starting (e.g. the demo fleet could not be made because restic is missing). */
      startupIssues: z.array(ErrorBodySchema),
    }),
  }),
  'hosts.list': method({
    summary: 'Managed hosts, "this machine" included.',
    input: NoInput,
    output: z.array(HostSchema),
  }),
  'repos.list': method({
    summary: 'Repositories in the inventory.',
    input: NoInput,
    output: z.array(RepoSchema),
  }),
  'snapshots.list': method({
    summary: "A repository's snapshots (restic snapshots --json).",
    input: z.object({ repoId: IdSchema }).strict(),
    output: z.object({ snapshots: z.array(SnapshotSchema), command: CommandLine }),
  }),
  'snapshots.ls': method({
    summary: 'The direct children of one directory in a snapshot (restic ls --json).',
    input: z
      .object({
        repoId: IdSchema,
        snapshotId: z.string().regex(/^[0-9a-f]{4,64}$/, 'a snapshot id is 4 to 64 hex digits'),
        path: z.string().startsWith('/').max(16384).default('/'),
      })
      .strict(),
    output: z.object({ path: z.string(), nodes: z.array(LsNodeSchema), command: CommandLine }),
  }),
  'snapshots.diff': method({
    summary: 'Changes between two snapshots (restic diff --json).',
    input: z
      .object({
        repoId: IdSchema,
        from: z.string().regex(/^[0-9a-f]{4,64}$/),
        to: z.string().regex(/^[0-9a-f]{4,64}$/),
        limit: z.number().int().min(1).max(1_000_000).default(50_000),
      })
      .strict(),
    output: z.object({
      changes: z.array(DiffChangeSchema),
      truncated: z.boolean(),
      stats: DiffStatsSchema.optional(),
      command: CommandLine,
    }),
  }),
} as const;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type MethodInput<M extends MethodName> = z.input<Methods[M]['input']>;
export type MethodParsedInput<M extends MethodName> = z.output<Methods[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<Methods[M]['output']>;

export const METHOD_NAMES = Object.keys(methods) as MethodName[];

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(methods, name);
}

/**
 * Events pushed by the core. `invalidate` tells clients which server state
 * is stale (the renderer maps scopes to its query keys).
 */
export const events = {
  invalidate: z.object({
    scope: z.enum(['hosts', 'repos', 'snapshots']),
    repoId: IdSchema.optional(),
  }),
} as const;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;

export const EVENT_NAMES = Object.keys(events) as EventName[];

export function isEventName(name: string): name is EventName {
  return Object.prototype.hasOwnProperty.call(events, name);
}

/** An event as it travels: name plus payload. */
export interface EventMessage<E extends EventName = EventName> {
  event: E;
  payload: EventPayload<E>;
}

/**
 * The one client object the renderer gets: the preload bridge and the
 * HTTP client both implement it, so the renderer never knows which.
 * `call` rejects with a ConsoleError carrying the envelope's error.
 */
export interface ConsoleClient {
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>;
  subscribe<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}
