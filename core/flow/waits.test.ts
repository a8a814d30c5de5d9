import { describe, expect, it } from 'vitest';
import { HubError } from '../errors/index.ts';
import { connectionPaused } from '../store/repos/connection-model.ts';
import {
  decideWait,
  FIRST_WAIT_RETRY_MS,
  KEPT_RETRY_MARGIN_MS,
  LONGEST_WAIT_RETRY_MS,
  PAUSED_CONNECTION_MAX_WAIT_MS,
  StepWaits,
} from './waits.ts';

const missing = new HubError('not_found', 'sales_order_not_in_erp', 'sales order SO-7 is not in erp yet', {
  fieldPath: 'salesOrderId',
  details: { salesOrderId: 'so-7' },
});
const start = Date.parse('2026-03-02T08:00:00.000Z');

describe('decideWait', () => {
  it('waits a second first, then twice as long each time, from the time the step first waited', () => {
    const waits = new StepWaits(missing, 3_600_000);
    const first = decideWait(undefined, 'await-erp-order', waits, start);
    expect(first).toMatchObject({
      kind: 'wait',
      retryInMs: FIRST_WAIT_RETRY_MS,
      wait: { step: 'await-erp-order', since: '2026-03-02T08:00:00.000Z', tries: 1, reason: missing.message },
    });
    if (first.kind !== 'wait') throw new Error('expected a wait');
    const third = decideWait({ ...first.wait, tries: 2 }, 'await-erp-order', waits, start + 5_000);
    expect(third).toMatchObject({
      kind: 'wait',
      retryInMs: 4 * FIRST_WAIT_RETRY_MS,
      wait: { since: '2026-03-02T08:00:00.000Z', tries: 3, retryAt: '2026-03-02T08:00:09.000Z' },
    });
    const late = decideWait({ ...first.wait, tries: 20 }, 'await-erp-order', waits, start + 60_000);
    expect(late).toMatchObject({ kind: 'wait', retryInMs: LONGEST_WAIT_RETRY_MS });
  });

  it('tries a last time at the end of the wait, then gives up naming what it waited for', () => {
    const waits = new StepWaits(missing, 10_000);
    const previous = { ...(decideWait(undefined, 's', waits, start) as { wait: object }).wait, tries: 5 };
    expect(decideWait(previous, 's', waits, start + 9_000)).toMatchObject({ kind: 'wait', retryInMs: 1_000 });
    const over = decideWait(previous, 's', waits, start + 10_000);
    expect(over.kind).toBe('give-up');
    if (over.kind !== 'give-up') throw new Error('expected to give up');
    expect(over.error).toMatchObject({
      kind: 'not_found',
      code: 'sales_order_not_in_erp',
      fieldPath: 'salesOrderId',
    });
    expect(over.error.message).toBe(
      'sales order SO-7 is not in erp yet (waited 10 s for it, the most this step waits)',
    );
    expect(over.error.details).toMatchObject({ salesOrderId: 'so-7', waitedMs: 10_000, maxWaitMs: 10_000 });
  });

  it('starts a new wait for another step, or when what the run kept is not a wait', () => {
    const waits = new StepWaits(missing, 10_000);
    const other = {
      step: 'other',
      reason: 'x',
      since: '2026-03-01T08:00:00.000Z',
      tries: 9,
      retryAt: '2026-03-01T08:00:00.000Z',
    };
    expect(decideWait(other, 's', waits, start)).toMatchObject({ kind: 'wait', wait: { tries: 1 } });
    expect(decideWait({ step: 's', since: 'yesterday' }, 's', waits, start)).toMatchObject({
      kind: 'wait',
      wait: { tries: 1, since: '2026-03-02T08:00:00.000Z' },
    });
  });

  it('keeps the wait and its queued retry when the step waits again before that retry is due', () => {
    const waits = new StepWaits(missing, 3_600_000);
    const first = decideWait(undefined, 'await-erp-order', waits, start);
    if (first.kind !== 'wait') throw new Error('expected a wait');
    const other = new StepWaits(new HubError('not_found', 'x', 'now waiting for another thing'), 3_600_000);
    expect(decideWait(first.wait, 'await-erp-order', other, start + 300)).toEqual({
      kind: 'wait',
      retryInMs: FIRST_WAIT_RETRY_MS - 300,
      wait: { ...first.wait, reason: 'now waiting for another thing' },
    });
  });

  it('starts the next try when the queued retry is due within the margin, is this attempt, or another step waits', () => {
    const waits = new StepWaits(missing, 3_600_000);
    const first = decideWait(undefined, 'await-erp-order', waits, start);
    if (first.kind !== 'wait') throw new Error('expected a wait');
    const late = start + FIRST_WAIT_RETRY_MS - KEPT_RETRY_MARGIN_MS;
    expect(decideWait(first.wait, 'await-erp-order', waits, late)).toMatchObject({
      kind: 'wait',
      retryInMs: 2 * FIRST_WAIT_RETRY_MS,
      wait: { tries: 2, since: first.wait.since },
    });
    expect(decideWait(first.wait, 'await-erp-order', waits, start + 300, { byItsRetry: true })).toMatchObject(
      {
        kind: 'wait',
        wait: { tries: 2, since: first.wait.since },
      },
    );
    expect(decideWait(first.wait, 'another-step', waits, start + 300)).toMatchObject({
      kind: 'wait',
      retryInMs: FIRST_WAIT_RETRY_MS,
      wait: { step: 'another-step', tries: 1, since: new Date(start + 300).toISOString() },
    });
  });

  it('starts a new wait, with its own clock, when the step waits for something else (a paused connection, then a record)', () => {
    const forPause = new StepWaits(connectionPaused('erp', 'upgrade'), PAUSED_CONNECTION_MAX_WAIT_MS);
    const paused = decideWait(undefined, 'await-erp-order', forPause, start);
    expect(paused).toMatchObject({ kind: 'wait', wait: { pausedConnection: 'erp', tries: 1 } });
    if (paused.kind !== 'wait') throw new Error('expected a wait');
    // Two hours later the ERP is back, but its order is not synced in yet: a 30-min wait starts now.
    const twoHoursOn = start + 2 * 3_600_000;
    const forRecord = new StepWaits(missing, 30 * 60_000);
    const record = decideWait({ ...paused.wait, tries: 9 }, 'await-erp-order', forRecord, twoHoursOn, {
      byItsRetry: true,
    });
    expect(record).toMatchObject({
      kind: 'wait',
      retryInMs: FIRST_WAIT_RETRY_MS,
      wait: { since: new Date(twoHoursOn).toISOString(), tries: 1, reason: missing.message },
    });
    if (record.kind !== 'wait') throw new Error('expected a wait');
    expect(record.wait).not.toHaveProperty('pausedConnection');
    // And the other way round: paused while waiting for the record.
    const pausedAgain = decideWait(
      { ...record.wait, tries: 4 },
      'await-erp-order',
      forPause,
      twoHoursOn + 60_000,
    );
    expect(pausedAgain).toMatchObject({ kind: 'wait', wait: { pausedConnection: 'erp', tries: 1 } });
  });
});
