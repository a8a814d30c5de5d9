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
