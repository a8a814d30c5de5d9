import type { z } from 'zod';
import { type FieldIssue, type HubError, issuesOf } from '../errors/index.ts';
import { applyMapping, type MappingContext, type MappingIssue } from './apply.ts';
import type { CompiledMapping } from './compile.ts';
import type { PendingRef } from './references.ts';

export type CanonicalValidator = (value: Record<string, unknown>) => FieldIssue[];

/** Why the run refuses a raw record before mapping it (no primary key, say), if it does. */
export type RecordCheck = (record: unknown) => HubError | undefined;

export interface DryRunSample {
  index: number;
  status: 'ok' | 'pending' | 'invalid';
  output: Record<string, unknown>;
  errors: MappingIssue[];
  pendingRefs: PendingRef[];
}

export interface DryRunReport {
  mapping: {
    connector: string;
    stream: string;
    direction: string;
    entity: string;
    version: number;
    hash: string;
  };
  samples: DryRunSample[];
  summary: { total: number; ok: number; pending: number; invalid: number };
}

/** Adapts a zod schema of the canonical entity into a validator for dryRun. */
export function zodValidator(schema: z.ZodType): CanonicalValidator {
  return (value) => {
    const result = schema.safeParse(value);
    return result.success ? [] : issuesOf(result.error);
  };
}

const refusedSample = (index: number, issue: MappingIssue): DryRunSample => ({
  index,
  status: 'invalid',
  output: {},
  errors: [issue],
  pendingRefs: [],
});

/**
 * Runs the mapping over samples and reports, per sample, the output and every error: mapping
 * errors and, when `validate` is given, the canonical schema's errors too. A sample `check`
 * refuses (the run's checks before mapping) is invalid with that error, unmapped, as the run files
 * it. It writes nothing: the resolver is only read, and the samples are not modified.
 */
export async function dryRun(
  compiled: CompiledMapping,
  samples: unknown[],
  context: MappingContext = {},
  validate?: CanonicalValidator,
  check?: RecordCheck,
): Promise<DryRunReport> {
  const results: DryRunSample[] = [];
  for (const [index, sample] of samples.entries()) {
    const refused = check?.(sample);
    if (refused) {
      const { fieldPath = '(record)', code, message } = refused;
      results.push(refusedSample(index, { path: fieldPath, code, message }));
      continue;
    }
    const copy = structuredClone(sample);
    let result: Awaited<ReturnType<typeof applyMapping>>;
    try {
      result = await applyMapping(compiled, copy, context);
    } catch (error) {
      const message = (error as Error).message;
      results.push(refusedSample(index, { path: '(record)', code: 'invalid_record', message }));
      continue;
    }
    // Fields that already failed, or wait for a reference, are not reported twice by the schema.
    const covered = new Set([
      ...result.errors.map((e) => e.path),
      ...result.pendingRefs.map((r) => r.fieldPath),
    ]);
    const schemaErrors = (validate?.(result.value) ?? []).filter((issue) => !covered.has(issue.path));
    const errors = [
      ...result.errors,
      ...schemaErrors.map((issue) => ({
        path: issue.path,
        code: 'canonical_schema',
        message: issue.message,
      })),
    ];
    const status = errors.length > 0 ? 'invalid' : result.status;
    results.push({ index, status, output: result.value, errors, pendingRefs: result.pendingRefs });
  }
  const count = (status: DryRunSample['status']) =>
    results.filter((sample) => sample.status === status).length;
  const { definition, hash } = compiled;
  return {
    mapping: { ...pick(definition), hash },
    samples: results,
    summary: { total: results.length, ok: count('ok'), pending: count('pending'), invalid: count('invalid') },
  };
}

function pick(definition: CompiledMapping['definition']) {
  const { connector, stream, direction, entity, version } = definition;
  return { connector, stream, direction, entity, version };
}
