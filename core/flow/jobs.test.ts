import { describe, expect, it } from 'vitest';
import { parseFlowJob, parseWaitRetry } from './jobs.ts';

describe('parseWaitRetry', () => {
  const wait = {
    runId: '6f1c0a52-3b8e-4d7a-9f2e-0c4b5a6d7e8f',
    step: 'await-erp-order',
    since: '2026-03-02T08:00:00.000Z',
    tries: 2,
  };

  it('answers the wait a queued retry names', () => {
    expect(parseWaitRetry(wait, 'flow-wait-1')).toEqual(wait);
  });

  it('refuses a malformed one for good, naming the job and the field', () => {
    let caught: unknown;
    try {
      parseWaitRetry({ ...wait, tries: 0 }, 'flow-wait-1');
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({
      kind: 'invalid_data',
      code: 'flow_job_invalid',
      fieldPath: 'waitRetry.tries',
    });
    expect((caught as Error).message).toMatch(/^flow job flow-wait-1: waitRetry\.tries: /);
  });
});

describe('parseFlowJob', () => {
  const change = {
    flow: 'order-status',
    key: 'sales_order:1:v2',
    trigger: {
      kind: 'change',
      entity: 'sales_order',
      canonicalId: '6f1c0a52-3b8e-4d7a-9f2e-0c4b5a6d7e8f',
      version: 2,
    },
  };

  it('answers the job as queued, its wait checked too', () => {
    expect(parseFlowJob(change, 'flow-1')).toEqual(change);
    const waitRetry = {
      runId: '6f1c0a52-3b8e-4d7a-9f2e-0c4b5a6d7e8f',
      step: 's',
      since: '2026-03-02T08:00:00.000Z',
      tries: 1,
    };
    expect(parseFlowJob({ ...change, waitRetry }, 'flow-2')).toEqual({ ...change, waitRetry });
    expect(() => parseFlowJob({ ...change, waitRetry: { ...waitRetry, tries: 0 } }, 'flow-3')).toThrow(
      /^flow job flow-3: waitRetry\.tries: /,
    );
  });

  it('refuses a malformed trigger for good, naming the job and the field', () => {
    const malformed = { ...change, trigger: { ...change.trigger, version: 'two' } };
    expect(() => parseFlowJob(malformed, 'flow-4')).toThrow(/^flow job flow-4: trigger\.version: /);
    expect(() => parseFlowJob({ ...change, trigger: { kind: 'telepathy' } }, 'flow-5')).toThrow(
      /^flow job flow-5: trigger\.kind: /,
    );
    expect(() => parseFlowJob(null, 'flow-6')).toThrow(/^flow job flow-6: \(root\): /);
  });
});
