import { afterEach, describe, expect, it } from 'vitest';
import {
  enqueueScheduledRun,
  saveSchedule,
  scheduledRunJobId,
  startScheduler,
} from '../../core/sync/schedules.ts';
import { SYNC_RUNS_QUEUE } from '../../core/sync/sync-jobs.ts';
import { openEmbeddedStore, queueDrivers } from '../support/drivers.ts';
import { memoryConnector } from '../support/memory-system.ts';
import { eventually, startTestHub, type TestHub } from '../support/test-hub.ts';

describe('scheduled run job id', () => {
  it('holds no colon, which BullMQ refuses in custom ids', () => {
    const id = scheduledRunJobId(
      { connectionId: 'crm', stream: 'customers' },
      new Date('2026-12-03T07:32:41Z'),
    );
    expect(id).not.toContain(':');
  });

  it('is the same within a minute and changes with the minute', () => {
    const schedule = { connectionId: 'crm', stream: 'customers' };
    const at = (iso: string) => scheduledRunJobId(schedule, new Date(iso));
    expect(at('2026-12-03T07:32:01Z')).toBe(at('2026-12-03T07:32:59Z'));
    expect(at('2026-12-03T07:33:00Z')).not.toBe(at('2026-12-03T07:32:59Z'));
  });
});

describe.each(queueDrivers())('scheduler on $name', (driver) => {
  let test: TestHub | undefined;
  let scheduler: ReturnType<typeof startScheduler> | undefined;
  afterEach(async () => {
    await scheduler?.stop();
    await test?.stop();
  });

  const scheduleStream = async (cron: string | (() => string)) => {
    test = await startTestHub({ store: await openEmbeddedStore(), queue: driver.open(), workers: false });
    await test.hub.store.connections.save(
      { id: 'crm', kind: 'memory', name: 'CRM', config: { system: 'schedules-test' } },
      memoryConnector.configSchema,
    );
    const expression = typeof cron === 'string' ? cron : cron();
    await saveSchedule(test.hub.store.db, {
      connectionId: 'crm',
      stream: 'customers',
      cron: expression,
      enabled: true,
    });
    scheduler = startScheduler(test.hub, 60_000);
    await scheduler.ready;
    return test.hub;
  };

  it('enqueues one run per stream and minute when the cron fires', async () => {
    const hub = await scheduleStream('* * * * * *');
    await eventually(
      async () => (await hub.queue.counts(SYNC_RUNS_QUEUE)).waiting >= 1,
      5_000,
      'a scheduled run',
    );
    // Further ticks in the same minute land on the same job id.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const { waiting } = await hub.queue.counts(SYNC_RUNS_QUEUE);
    expect(waiting).toBeLessThanOrEqual(2); // at most one minute boundary crossed
  });

  it('still runs a tick that fires seconds late, named by its slot', async () => {
    // Once a minute, a few seconds from now; the event loop is held from just before that slot
    // until two seconds after it, as a long garbage collection or a busy page would hold it.
    let slot = 0;
    const hub = await scheduleStream(() => {
      slot = Math.ceil((Date.now() + 5_000) / 1_000) * 1_000;
      return `${new Date(slot).getSeconds()} * * * * *`;
    });
    await new Promise((resolve) => setTimeout(resolve, slot - 300 - Date.now()));
    expect((await hub.queue.counts(SYNC_RUNS_QUEUE)).waiting).toBe(0);
    while (Date.now() < slot + 2_200);
    await eventually(
      async () => (await hub.queue.counts(SYNC_RUNS_QUEUE)).waiting >= 1,
      5_000,
      "the late tick's run",
    );
    // Named by its slot: the same run enqueued for that slot again is the same job.
    const schedule = { connectionId: 'crm', stream: 'customers', cron: '', enabled: true };
    await enqueueScheduledRun(hub.queue, schedule, new Date(slot));
    expect((await hub.queue.counts(SYNC_RUNS_QUEUE)).waiting).toBe(1);
  });
});
