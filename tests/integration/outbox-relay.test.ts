import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryQueue } from '../../core/queue/memory-driver.ts';
import {
  CHANGES_QUEUE,
  type ChangeBatch,
  OUTBOX_CHANNEL,
  startOutboxRelay,
} from '../../core/queue/outbox-relay.ts';
import { removeQueuePrefix } from '../../core/queue/remove-keys.ts';
import type { Db } from '../../core/store/db.ts';
import type { Store } from '../../core/store/index.ts';
import { appendChangeRows } from '../../core/store/repos/change-rows.ts';
import { appendOutbox } from '../../core/store/repos/outbox.ts';
import { changesOf } from '../../core/sync/change-subscribers.ts';
import { openTestBullmqQueue, queueDrivers, storeDrivers } from '../support/drivers.ts';

/** The store's database, with the relay's next pass held, after its transaction, until `release`. */
function holdNextPass(db: Db) {
  let release: () => void = () => undefined;
  let reachedEnd: () => void = () => undefined;
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  const reached = new Promise<void>((resolve) => {
    reachedEnd = resolve;
  });
  let holding = true;
  const wrapped: Db = {
    ...db,
    transaction: async (fn) => {
      const result = await db.transaction(fn);
      if (holding) {
        holding = false;
        reachedEnd();
        await held;
      }
      return result;
    },
  };
  return { db: wrapped, reached, release };
}

const published = async (store: Store) => {
  const { rows } = await store.db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM outbox WHERE published_at IS NOT NULL',
  );
  return rows[0]!.n;
};

describe.each(storeDrivers())('outbox relay on $name', (driver) => {
  let store: Store;
  beforeEach(async () => {
    store = await driver.open();
  });
  afterEach(() => store.close());

  it('does not lose a notification that arrives while a pass is running', async () => {
    const hold = holdNextPass(store.db);
    const queue = createMemoryQueue();
    // A poll far longer than the test: only the notification can get the row published in time.
    const relay = startOutboxRelay(hold.db, queue, { pollMs: 60_000 });
    try {
      await hold.reached;
      await store.db.transaction(async (tx) => {
        await appendOutbox(tx, 'record.changed', 'customer:1', { canonicalId: '1' });
        await tx.query(`SELECT pg_notify('${OUTBOX_CHANNEL}', '')`);
      });
      // The notification reaches the relay while its pass, which found nothing, is still running.
      await new Promise((resolve) => setTimeout(resolve, 300));
      hold.release();
      const deadline = Date.now() + 5_000;
      while ((await published(store)) === 0 && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 20));
      expect(await published(store)).toBe(1);
    } finally {
      hold.release();
      await relay.stop();
      await queue.close();
    }
  });

  it.each(queueDrivers())(
    'publishes the messages of a new database to a $name queue that still remembers an earlier one',
    async (queueDriver) => {
      // Ids start again at 1 in a new database; the queue must not take its jobs for ones it ran.
      const earlier = await driver.open();
      const queue = queueDriver.open();
      const delivered: string[] = [];
      const consumer = queue.consume<ChangeBatch>(CHANGES_QUEUE, async (job) => {
        delivered.push(...job.data.messages.map((message) => message.key));
      });
      try {
        for (const [db, key] of [
          [earlier.db, 'customer:earlier'],
          [store.db, 'customer:new'],
        ] as const) {
          await db.transaction((tx) => appendOutbox(tx, 'record.changed', key, { canonicalId: key }));
          const relay = startOutboxRelay(db, queue, { pollMs: 60_000 });
          await relay.stop();
          await relay.relayOnce();
          await queue.whenIdle(CHANGES_QUEUE, 5_000);
        }
        expect(delivered).toEqual(['customer:earlier', 'customer:new']);
      } finally {
        await consumer.close();
        await queue.close();
        await earlier.close();
      }
    },
  );

  it.runIf(process.env.REDIS_URL)(
    'publishes again what a Redis that lost its data had been given',
    async () => {
      const redisUrl = process.env.REDIS_URL!;
      const prefix = `thub-test-epoch-${Date.now()}`;
      const queue = openTestBullmqQueue(redisUrl, prefix);
      const relay = startOutboxRelay(store.db, queue, { pollMs: 60_000 });
      await relay.stop();
      try {
        await store.db.transaction((tx) =>
          appendOutbox(tx, 'record.changed', 'customer:before', { canonicalId: 'a' }),
        );
        await relay.relayOnce();
        expect(await published(store)).toBe(1);
        // Redis restarted without persistence: the job made from that message is gone, unrun.
        await removeQueuePrefix(redisUrl, prefix);
        await store.db.transaction((tx) =>
          appendOutbox(tx, 'record.changed', 'customer:after', { canonicalId: 'b' }),
        );
        const delivered: string[] = [];
        const consumer = queue.consume<ChangeBatch>(CHANGES_QUEUE, async (job) => {
          delivered.push(...job.data.messages.map((message) => message.key));
        });
        while (await relay.relayOnce());
        await queue.whenIdle(CHANGES_QUEUE, 5_000);
        await consumer.close();
        expect(delivered.sort()).toEqual(['customer:after', 'customer:before']);
      } finally {
        await queue.close();
      }
    },
  );

  it('publishes a backlog of page messages in jobs bounded by their changes, every change once', async () => {
    const pages = 7;
    const perPage = 300;
    const ids = Array.from(
      { length: pages * perPage },
      (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    );
    for (let page = 0; page < pages; page += 1)
      await store.db.transaction((tx) =>
        appendChangeRows(
          tx,
          'customer',
          'crm',
          ids.slice(page * perPage, (page + 1) * perPage).map((id) => ({
            canonical_id: id,
            version: 1,
            operation: 'create',
            body: { name: id },
            changed_fields: ['name'],
          })),
        ),
      );
    const queue = createMemoryQueue();
    const jobs: ChangeBatch[] = [];
    const consumer = queue.consume<ChangeBatch>(CHANGES_QUEUE, async (job) => {
      jobs.push(job.data);
    });
    // The backlog is there before the relay starts and no notification follows: only the relay's
    // own "more may be waiting" can publish it all long before the poll.
    const relay = startOutboxRelay(store.db, queue, { pollMs: 60_000, maxChanges: 1000 });
    try {
      const deadline = Date.now() + 5_000;
      while ((await published(store)) < pages && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 20));
      await queue.whenIdle(CHANGES_QUEUE, 5_000);
      const sizes = jobs.map((job) => changesOf(job).length);
      // Messages are taken until a job carries 1,000 changes: 4 pages (1,200), then the other 3 (900).
      expect(sizes).toEqual([1200, 900]);
      const delivered = jobs.flatMap((job) => changesOf(job).map((change) => change.canonicalId));
      expect(delivered).toEqual(ids);
      expect(changesOf(jobs[0]!)[0]).toMatchObject({
        entity: 'customer',
        sourceSystem: 'crm',
        version: 1,
        operation: 'create',
        changedFields: ['name'],
      });
    } finally {
      await relay.stop();
      await consumer.close();
      await queue.close();
    }
  });
});
