import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { storeDrivers } from '../../../tests/support/drivers.ts';
import { eventually, startTestHub, type TestHub } from '../../../tests/support/test-hub.ts';
import { defineFlow, type Flow } from '../../flow/define.ts';
import { startFlowRun } from '../../flow/runner.ts';
import { createMemoryQueue } from '../../queue/memory-driver.ts';
import { flowRunExitCodes } from './flows.ts';

let release: () => void = () => undefined;
let started = false;
const slow = defineFlow({
  name: 'cli-slow-run',
  summary: 'a step that runs until released',
  trigger: { kind: 'manual' },
  writesTo: [],
  settings: z.object({}),
})
  .step('work', async () => {
    started = true;
    await new Promise<void>((resolve) => {
      release = resolve;
    });
    return { done: true };
  })
  .build() as Flow;

describe.each(storeDrivers().slice(0, 1))('thub flows run exit code on $name', (driver) => {
  let test: TestHub;
  beforeEach(async () => {
    test = await startTestHub({ store: await driver.open(), queue: createMemoryQueue(), workers: false });
  });
  afterEach(async () => {
    release();
    await test.stop();
  });

  it('does not exit 0 (success) for a run another worker is still running', async () => {
    const trigger = { kind: 'manual' as const, params: {} };
    const first = startFlowRun(test.hub, slow, trigger, 'cron:06:00');
    await eventually(() => started, 5_000, 'the first run started');
    // `thub flows run cli-slow-run --key cron:06:00` while a worker holds that run: answered, not run.
    const answered = await startFlowRun(test.hub, slow, trigger, 'cron:06:00');
    expect(answered.status).toBe('running');
    // The CLI prints it and sets process.exitCode = flowRunExitCodes[answered.status].
    expect(flowRunExitCodes[answered.status], 'exit code of an unfinished run').not.toBe(0);
    release();
    await first;
  });
});
