import { afterEach, describe, it } from 'vitest';
import { queueDrivers, storeDrivers } from '../../tests/support/drivers.ts';
import { LogCapture } from '../../tests/support/log-capture.ts';
import { eventually, hubDriverPairs, startTestHub, type TestHub } from '../../tests/support/test-hub.ts';
import { logger } from '../log/logger.ts';
import { CHANGES_QUEUE } from '../queue/outbox-relay.ts';
import { CHANGES_TOPIC } from '../store/repos/outbox.ts';
import { SYNC_RUNS_QUEUE } from './sync-jobs.ts';
import { WEBHOOKS_QUEUE } from './webhooks.ts';

// Jobs come back from the queue as data another process (maybe an older hub) wrote: each consumer
// checks its job, and a malformed one fails naming the job and the field instead of running on
// with undefined.

let test: TestHub | undefined;
const capture = new LogCapture({ level: 'warn' });
afterEach(async () => {
  logger.remove(capture);
  capture.clear();
  await test?.stop();
  test = undefined;
});

describe.each(hubDriverPairs(storeDrivers(), queueDrivers()))(
  'queued sync jobs on $label',
  ({ store, queue }) => {
    it('that are malformed fail naming the job and the field', async () => {
      logger.add(capture);
      test = await startTestHub({ store: await store.open(), queue: queue.open() });
      await test.hub.queue.add(SYNC_RUNS_QUEUE, 'sync', { connectionId: 'crm' }, { jobId: 'run-no-stream' });
      await test.hub.queue.add(
        WEBHOOKS_QUEUE,
        'drain',
        { connectionId: 'crm', windowEnd: 'soon' },
        { jobId: 'drain-bad' },
      );
      const said = (text: string) => capture.lines.some((line) => line.includes(text));
      await eventually(() => said('sync run job run-no-stream: stream'), 10_000, 'the sync run job to fail');
      await eventually(() => said('webhook drain job drain-bad: windowEnd'), 10_000, 'the drain job to fail');
    });

    it('that carry malformed changes fail naming the outbox message and the field', async () => {
      logger.add(capture);
      test = await startTestHub({ store: await store.open(), queue: queue.open() });
      const message = (id: number, payload: Record<string, unknown>) => ({
        id,
        topic: CHANGES_TOPIC,
        key: 'k',
        payload,
      });
      await test.hub.queue.add(
        CHANGES_QUEUE,
        'change-batch',
        { messages: [{ id: 1 }] },
        { jobId: 'batch-bad' },
      );
      const change = { canonicalId: 'c-1', version: 'two', operation: 'update', changedFields: [] };
      await test.hub.queue.add(
        CHANGES_QUEUE,
        'change-batch',
        { messages: [message(7, { entity: 'customer', sourceSystem: 'crm', changes: [change] })] },
        { jobId: 'batch-bad-change' },
      );
      const said = (text: string) => capture.lines.some((line) => line.includes(text));
      await eventually(() => said('change batch batch-bad: messages.0.topic'), 10_000, 'the batch to fail');
      await eventually(
        () => said('outbox message 7: changes.0.version'),
        10_000,
        'the batch with a malformed change to fail',
      );
    });
  },
);
