import { HubError, isHubError } from '../errors/index.ts';
import type { CompiledField, CompiledMapping } from './compile.ts';
import type { PendingRef, ReferenceResolver } from './references.ts';
import { UNMAPPED } from './value-map.ts';

export interface MappingContext {
  /** Without a resolver every reference is reported as pending (or handled per its onMissing). */
  resolver?: ReferenceResolver;
}

export interface MappingIssue {
  /** Target field path, e.g. `lines.2.quantity`. */
  path: string;
  code: string;
  message: string;
}

export type MappingResult =
  | { ok: true; status: 'ok'; value: Record<string, unknown>; errors: []; pendingRefs: [] }
  | { ok: false; status: 'pending'; value: Record<string, unknown>; errors: []; pendingRefs: PendingRef[] }
  | {
      ok: false;
      status: 'invalid';
      value: Record<string, unknown>;
      errors: MappingIssue[];
      pendingRefs: PendingRef[];
    };

interface Run {
  direction: 'in' | 'out';
  resolver?: ReferenceResolver;
  errors: MappingIssue[];
  pending: PendingRef[];
  waits: Promise<void>[];
}

const isEmpty = (value: unknown) => value === undefined || value === null || value === '';
const isThenable = (value: unknown): value is Promise<unknown> =>
  value instanceof Promise ||
  (value !== null && typeof value === 'object' && typeof (value as Promise<unknown>).then === 'function');

function issueFrom(path: string, error: unknown): MappingIssue {
  if (isHubError(error)) return { path, code: error.code, message: error.message };
  const jsonataError = error as { code?: string; message?: string };
  const code = jsonataError.code ? `JSONata ${jsonataError.code}: ` : '';
  return { path, code: 'expression_failed', message: `${code}${jsonataError.message ?? String(error)}` };
}

/**
 * Where `value` holds a number JSON cannot carry (Infinity from "1e400" or an overflowing product,
 * NaN), relative to the value ('' for the value itself). Such a number would reach the record as
 * null or fail the write, so it is an error of its field instead.
 */
function nonFiniteAt(value: unknown, at = ''): { at: string; number: number } | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : { at, number: value };
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, item] of Object.entries(value)) {
    const found = nonFiniteAt(item, at ? `${at}.${key}` : key);
    if (found) return found;
  }
  return undefined;
}

function resolveRef(
  field: CompiledField,
  value: unknown,
  target: Record<string, unknown>,
  path: string,
  run: Run,
) {
  const ref = field.ref!;
  if (typeof value !== 'string' && typeof value !== 'number') {
    run.errors.push({ path, code: 'invalid_reference', message: `a ${ref.entity} reference must be an id` });
    return;
  }
  const id = String(value);
  // A resolver refuses an id that cannot be one (invalid_data): an error of this field and record.
  // Its other failures (database down) are not data problems: they reject the whole call.
  const refused = (error: unknown) => {
    if (!isHubError(error) || error.kind !== 'invalid_data') throw error;
    run.errors.push(issueFrom(path, error));
  };
  let found: ReturnType<ReferenceResolver['toExternal']>;
  try {
    found = run.resolver
      ? run.direction === 'in'
        ? run.resolver.toCanonical(ref.entity, id)
        : run.resolver.toExternal(ref.entity, id)
      : undefined;
  } catch (error) {
    refused(error);
    return;
  }
  const settle = (resolved: string | undefined) => {
    if (resolved !== undefined) field.set(target, resolved);
    else if (ref.onMissing === 'null') field.set(target, null);
    else if (ref.onMissing === 'fail') {
      const message = `no ${ref.entity} is linked to ${run.direction === 'in' ? 'external' : 'canonical'} id "${id}"`;
      run.errors.push({ path, code: 'reference_missing', message });
    } else if (run.direction === 'in')
      run.pending.push({ direction: 'in', entity: ref.entity, externalId: id, fieldPath: path });
    else run.pending.push({ direction: 'out', entity: ref.entity, canonicalId: id, fieldPath: path });
  };
  if (isThenable(found)) run.waits.push(found.then(settle, refused));
  else settle(found);
}

function finishEach(
  field: CompiledField,
  value: unknown,
  target: Record<string, unknown>,
  path: string,
  run: Run,
  root: unknown,
) {
  const elements = Array.isArray(value)
    ? value
    : value !== null && typeof value === 'object'
      ? [value]
      : undefined;
  if (!elements) {
    run.errors.push({ path, code: 'not_a_list', message: `expected a list, got ${typeof value}` });
    return;
  }
  const items = elements.map((element, index) => {
    const item: Record<string, unknown> = {};
    mapFields(field.each!, element, root, item, `${path}.${index}`, run);
    return item;
  });
  field.set(target, items);
}

function finish(
  field: CompiledField,
  raw: unknown,
  target: Record<string, unknown>,
  path: string,
  run: Run,
  root: unknown,
) {
  let value = raw;
  if (field.map && !isEmpty(value)) {
    const { name, translate } = field.map;
    value = Array.isArray(value) ? value.map(translate) : translate(value);
    if (value === UNMAPPED || (Array.isArray(value) && value.includes(UNMAPPED))) {
      const message = `${JSON.stringify(raw)} is not in value map "${name}" and the map has no default`;
      run.errors.push({ path, code: 'value_not_mapped', message });
      return;
    }
  }
  if (isEmpty(value) && field.makeDefault) value = field.makeDefault();
  if (isEmpty(value)) {
    if (field.required) run.errors.push({ path, code: 'required', message: `${path} is required` });
    else if (value !== undefined) field.set(target, value);
    return;
  }
  if (field.each) {
    finishEach(field, value, target, path, run, root);
    return;
  }
  const nonFinite = nonFiniteAt(value);
  if (nonFinite) {
    const where = nonFinite.at ? `${path}.${nonFinite.at}` : path;
    const message = `expected a finite number, got ${nonFinite.number}`;
    run.errors.push({ path: where, code: 'non_finite_number', message });
    return;
  }
  if (field.ref) resolveRef(field, value, target, path, run);
  else field.set(target, value);
}

function mapFields(
  fields: CompiledField[],
  input: unknown,
  root: unknown,
  target: Record<string, unknown>,
  prefix: string,
  run: Run,
) {
  for (const field of fields) {
    const path = prefix ? `${prefix}.${field.path}` : field.path;
    let raw: unknown;
    try {
      raw = field.get(input, root);
    } catch (error) {
      run.errors.push(issueFrom(path, error));
      continue;
    }
    if (isThenable(raw)) {
      run.waits.push(
        raw.then(
          (value) => finish(field, value, target, path, run, root),
          (error) => {
            run.errors.push(issueFrom(path, error));
          },
        ),
      );
    } else finish(field, raw, target, path, run, root);
  }
}

function resultOf(value: Record<string, unknown>, run: Run): MappingResult {
  if (run.errors.length > 0)
    return { ok: false, status: 'invalid', value, errors: run.errors, pendingRefs: run.pending };
  if (run.pending.length > 0)
    return { ok: false, status: 'pending', value, errors: [], pendingRefs: run.pending };
  return { ok: true, status: 'ok', value, errors: [], pendingRefs: [] };
}

/**
 * Maps one record. Data problems come back as errors naming the target field; references the
 * resolver does not know yet come back as pendingRefs so the caller can park the record.
 */
export async function applyMapping(
  compiled: CompiledMapping,
  record: unknown,
  context: MappingContext = {},
): Promise<MappingResult> {
  if (record === null || typeof record !== 'object' || Array.isArray(record)) {
    throw new HubError('invalid_data', 'invalid_record', 'a record to map must be a JSON object');
  }
  const run: Run = {
    direction: compiled.definition.direction,
    resolver: context.resolver,
    errors: [],
    pending: [],
    waits: [],
  };
  const value: Record<string, unknown> = {};
  mapFields(compiled.fields, record, record, value, '', run);
  while (run.waits.length > 0) await Promise.all(run.waits.splice(0));
  return resultOf(value, run);
}
