import { HubError } from '../../../core/errors/index.ts';
import type { SalesforceConfig } from '../config.ts';

/**
 * Outbound mappings put TOC results under `toc` (promiseDate, bufferStatus,
 * throughputPerConstraintMinute); each org names its own fields for them in the config, and a
 * result without a configured field is not pushed.
 */
export function applyPushBack(
  record: Record<string, unknown>,
  pushBack: SalesforceConfig['pushBack'],
): Record<string, unknown> {
  const { toc, ...fields } = record;
  if (toc === undefined || toc === null) return fields;
  if (typeof toc !== 'object' || Array.isArray(toc)) {
    throw new HubError('invalid_data', 'invalid_toc_results', 'toc must be an object of TOC results', {
      fieldPath: 'toc',
    });
  }
  const results = toc as Record<string, unknown>;
  for (const [result, apiName] of Object.entries(pushBack)) {
    if (apiName && results[result] !== undefined) fields[apiName] = results[result];
  }
  return fields;
}
