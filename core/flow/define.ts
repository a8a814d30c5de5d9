import type { z } from 'zod';
import type { CanonicalEntity } from '../connector/types.ts';
import type { HubError } from '../errors/index.ts';
import type { Hub } from '../runtime/hub.ts';
import type { GoldenRecord } from '../store/repos/golden.ts';
import type { LeftUndone } from './partial.ts';

export type { LeftUndone } from './partial.ts';

/** The part a connection plays for the flows; set as `options.role` (or `options.roles`) on the connection. */
export const flowRoles = ['crm', 'erp', 'scm'] as const;
export type FlowRole = (typeof flowRoles)[number];

export type FlowTrigger =
  | {
      kind: 'change';
      entities: CanonicalEntity[];
      /** Which committed versions start a run. */
      when(record: GoldenRecord, hub: Hub): boolean | Promise<boolean>;
      /** One run per key: a later version of the same record does not start a second run. @defaultValue the record id */
      key?(record: GoldenRecord): string;
    }
  | { kind: 'cron'; cron: string }
  | { kind: 'webhook' }
  | { kind: 'manual' };

/** What started a run, as stored with it. */
export type TriggerEvent =
  | { kind: 'change'; entity: string; canonicalId: string; version: number }
  | { kind: 'cron'; at: string }
  | { kind: 'webhook'; payload: unknown }
  | { kind: 'manual'; params: Record<string, unknown> };

export interface RunInfo {
  id: string;
  flow: string;
  key: string;
  trigger: TriggerEvent;
}

export interface StepContext<Settings, Outputs> {
  hub: Hub;
  run: RunInfo;
  settings: Settings;
  /** The outputs of the steps before this one (recorded ones on a replay). */
  outputs: Outputs;
  /** A key that is the same for this run and purpose on every replay: for idempotent writes. */
  key(purpose: string): string;
  /** Ends the run after this step, on purpose (a credit hold, nothing to do); a replay runs this step again. */
  halt(reason: string): void;
  /**
   * Reports what this step left undone while the rest of its work took effect (an item it could
   * not order, and why). The run goes on and ends `partial` instead of `succeeded`; its context
   * keeps each report under `partial`, by step. Kept only when the step ends without failing,
   * waiting or halting; a replay keeps the reports of the steps it does not run again.
   */
  partial(summary: string, undone: LeftUndone[]): void;
  /**
   * Ends this attempt without failing the run: the run waits for what `missing` names (a record
   * another flow is still creating) and this step runs again later, with backoff, or sooner when
   * the run's trigger fires again. Once the step has waited `maxWaitMs` since it first asked to
   * wait, it fails with `missing` instead and the failure is filed.
   */
  waitFor(missing: HubError, options: { maxWaitMs: number }): never;
}

export interface FlowStep {
  name: string;
  run(ctx: StepContext<unknown, Record<string, unknown>>): Promise<unknown>;
}

export interface Flow<Settings = unknown> {
  name: string;
  summary: string;
  trigger: FlowTrigger;
  /** The connection roles whose systems this flow writes to. */
  writesTo: FlowRole[];
  settings: z.ZodType<Settings>;
  steps: FlowStep[];
}

type StepFn<Settings, Outputs, O> = (ctx: StepContext<Settings, Outputs>) => Promise<O>;

export interface FlowBuilder<Settings, Outputs> {
  /** Adds a step; its output (plain JSON) is recorded and typed for the steps after it. */
  step<N extends string, O>(
    name: N,
    run: StepFn<Settings, Outputs, O>,
  ): FlowBuilder<Settings, Outputs & { [K in N]: O }>;
  build(): Flow<Settings>;
}

interface FlowSpec<S extends z.ZodType> {
  name: string;
  summary: string;
  trigger: FlowTrigger;
  writesTo: FlowRole[];
  settings: S;
}

function builder<Settings, Outputs>(
  spec: FlowSpec<z.ZodType<Settings>>,
  steps: FlowStep[],
): FlowBuilder<Settings, Outputs> {
  return {
    step(name, run) {
      if (steps.some((step) => step.name === name))
        throw new Error(`flow ${spec.name}: step "${name}" declared twice`);
      const added: FlowStep = { name, run: run as FlowStep['run'] };
      return builder(spec, [...steps, added]);
    },
    build() {
      if (steps.length === 0) throw new Error(`flow ${spec.name} has no steps`);
      return { ...spec, steps };
    },
  };
}

/** Declares a flow: its trigger, settings, the roles it writes to, then its steps in order. */
export function defineFlow<S extends z.ZodType>(
  spec: FlowSpec<S>,
): FlowBuilder<z.output<S>, Record<never, never>> {
  return builder(spec as FlowSpec<z.ZodType<z.output<S>>>, []);
}
