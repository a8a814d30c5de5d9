import { afterEach, describe, expect, it } from 'vitest';
import { HubError } from '../errors/index.ts';
import { circuitPauseOf, resetCircuits, throughCircuit } from './circuit.ts';

const down = () => Promise.reject(new HubError('transient', 'http_503', 'unavailable'));
const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'ok',
    (error: HubError) => error.code,
  );

afterEach(() => resetCircuits());

describe('throughCircuit', () => {
  it('opens after the threshold and pauses for as long as the connection says, also once changed', async () => {
    const options = { threshold: 2, halfOpenAfterMs: 60_000 };
    const outcomes = [];
    for (let i = 0; i < 3; i++) outcomes.push(await codeOf(throughCircuit('erp', down, options)));
    expect(outcomes).toEqual(['http_503', 'http_503', 'circuit_open']);
    const paused = await throughCircuit('erp', down, options).catch((error: HubError) => error);
    expect(paused).toMatchObject({ code: 'circuit_open', retryAfterMs: 60_000 });
    // An admin shortens the pause: the new setting applies now, not after a restart.
    const shorter = { threshold: 2, halfOpenAfterMs: 20 };
    expect(await codeOf(throughCircuit('erp', () => Promise.resolve('written'), shorter))).toBe('ok');
    for (let i = 0; i < 2; i++) await codeOf(throughCircuit('erp', down, shorter));
    expect(await codeOf(throughCircuit('erp', down, shorter))).toBe('circuit_open');
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(await codeOf(throughCircuit('erp', () => Promise.resolve('probe'), shorter))).toBe('ok');
  });
});

describe('circuitPauseOf', () => {
  it('pauses for the default when options saved before they were checked name no usable pause', () => {
    expect(
      [undefined, 'ten seconds', 0, -5, 1.5].map((pause) => circuitPauseOf({ circuitHalfOpenMs: pause })),
    ).toEqual([10_000, 10_000, 10_000, 10_000, 10_000]);
    expect(circuitPauseOf({ circuitHalfOpenMs: 300 })).toBe(300);
  });
});
