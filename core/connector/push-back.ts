import { HubError } from '../errors/index.ts';

/** The TOC results an outbound mapping may put under `toc` for a CRM to show. */
export type TocResult = 'promiseDate' | 'bufferStatus' | 'throughputPerConstraintMinute';

/** The target system's field for each TOC result, as the connection names them. */
export type PushBackFields = Partial<Record<TocResult, string>>;

/** A result's value as the target system takes it; null means the hub has none any more. */
export type EncodePushBack = (result: TocResult, value: unknown) => unknown;

const asGiven: EncodePushBack = (_result, value) => value;

/**
 * Outbound mappings put TOC results under `toc` (promiseDate, bufferStatus,
 * throughputPerConstraintMinute); each connection names its own fields for them, and a result
 * without a configured field is not pushed. `encode` turns a result into the form the system
 * takes (a date format, its way of clearing a value).
 */
export function applyPushBack(
  record: Record<string, unknown>,
  pushBack: PushBackFields,
  encode: EncodePushBack = asGiven,
): Record<string, unknown> {
  const { toc, ...fields } = record;
  if (toc === undefined || toc === null) return fields;
  if (typeof toc !== 'object' || Array.isArray(toc)) {
    throw new HubError('invalid_data', 'invalid_toc_results', 'toc must be an object of TOC results', {
      fieldPath: 'toc',
    });
  }
  const results = toc as Record<string, unknown>;
  for (const [result, field] of Object.entries(pushBack) as Array<[TocResult, string | undefined]>) {
    if (field && results[result] !== undefined) fields[field] = encode(result, results[result]);
  }
  return fields;
}

/** A target field as the system describes it: its type, and whether the hub's user may write it. */
export interface TargetField {
  type?: string;
  editable?: boolean;
}

/**
 * What is wrong with the fields that take TOC results, for a connector's check: each one missing,
 * read-only, or of a type the result cannot be written to (`types`: the accepted ones per result,
 * any type for a result not named). `noun` is what the system calls them (field, property).
 */
export function pushBackProblems(
  pushed: ReadonlyArray<readonly [TocResult, string]>,
  fields: ReadonlyMap<string, TargetField>,
  types: Partial<Record<TocResult, readonly string[]>>,
  noun: string,
): string[] {
  const problems: string[] = [];
  for (const [result, name] of pushed) {
    const field = fields.get(name);
    const wanted = types[result];
    const which = `${name} (pushBack.${result})`;
    if (!field) problems.push(`${which} does not exist`);
    else if (field.editable === false) problems.push(`${which} cannot be edited by this user`);
    else if (wanted && field.type && !wanted.includes(field.type))
      problems.push(`${which} is a ${field.type} ${noun}, not ${wanted.join(' or ')}`);
  }
  return problems;
}

/** The configured push-back of `results`, as [result, field] pairs. */
export function pushedFields(
  pushBack: PushBackFields,
  results: readonly TocResult[],
): Array<[TocResult, string]> {
  return results.flatMap((result) => {
    const field = pushBack[result];
    return field ? [[result, field] as [TocResult, string]] : [];
  });
}

/** "X takes the TOC results" / "X, Y take the TOC results", for a check that passed. */
export const takesTocResults = (fields: readonly string[]): string =>
  `${fields.join(', ')} ${fields.length === 1 ? 'takes' : 'take'} the TOC results`;
