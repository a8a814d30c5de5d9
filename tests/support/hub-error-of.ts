import { expect } from 'vitest';
import { HubError } from '../../core/errors/index.ts';

/** The HubError a promise rejects with (the test fails if it resolves or rejects with anything else). */
export async function hubErrorOf(promise: Promise<unknown>): Promise<HubError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(HubError);
  return error as HubError;
}
