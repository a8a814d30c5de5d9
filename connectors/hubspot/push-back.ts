import { applyPushBack, type EncodePushBack, type PushBackFields } from '../../core/connector/push-back.ts';
import type { WriteOp, WriteResult } from '../../core/connector/types.ts';
import { isHubError } from '../../core/errors/index.ts';
import { isCalendarDay } from './portal-time-zone.ts';

/**
 * A date property (the date picker) holds a day, shown as that day in every time zone, and takes
 * it as midnight UTC in epoch milliseconds: unlike closedate, a datetime, the portal's zone plays
 * no part. HubSpot clears a property given an empty string.
 * @see https://developers.hubspot.com/docs/faq/how-should-timestamps-be-formatted-for-hubspots-apis
 * @see https://developers.hubspot.com/docs/api/crm/deals (Update deals)
 */
export const toHubspotValue: EncodePushBack = (result, value) => {
  if (value === null) return '';
  if (result === 'promiseDate' && isCalendarDay(value)) return String(Date.parse(`${value}T00:00:00Z`));
  return value;
};

function refused(op: WriteOp, error: unknown): WriteResult {
  if (!isHubError(error)) throw error;
  return {
    ok: false,
    idempotencyKey: op.idempotencyKey,
    error: { kind: 'invalid_data', code: error.code, message: error.message, fieldPath: error.fieldPath },
  };
}

/**
 * Upserts with their TOC results moved into the deal properties the connection names; an op whose
 * results cannot be read fails alone.
 */
export function withPushBack(
  ops: WriteOp[],
  pushBack: PushBackFields,
): { ready: WriteOp[]; failed: WriteResult[] } {
  const ready: WriteOp[] = [];
  const failed: WriteResult[] = [];
  for (const op of ops) {
    if (op.action !== 'upsert') {
      ready.push(op);
      continue;
    }
    try {
      ready.push({ ...op, record: applyPushBack(op.record, pushBack, toHubspotValue) });
    } catch (error) {
      failed.push(refused(op, error));
    }
  }
  return { ready, failed };
}
