import { describe, expect, it } from 'vitest';
import { parseWaitRetry } from './jobs.ts';

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
