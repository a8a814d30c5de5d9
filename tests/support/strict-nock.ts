import nock from 'nock';
import { afterEach, beforeAll, expect } from 'vitest';

/** No request leaves the process, and every mocked vendor call a test set up must have been made. */
export function enforceStrictNock(): void {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    expect(pending).toEqual([]);
  });
}
