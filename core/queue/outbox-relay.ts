import { logger } from '../log/logger.ts';
import type { Db } from '../store/db.ts';
import { claimForPublishing, type OutboxMessage, unpublishSince } from '../store/repos/outbox.ts';
import type { QueuePort } from './port.ts';

export const CHANGES_QUEUE = 'changes';
export const OUTBOX_CHANNEL = 'thub_outbox';

export interface ChangeBatch {
  messages: Array<Pick<OutboxMessage, 'id' | 'topic' | 'key' | 'payload'>>;
}

export interface RelayOptions {
  /** Messages per job at most. @defaultValue 500 */
  batchSize?: number;
  /** Changes per job: messages are claimed until they carry this many. @defaultValue 1000 */
  maxChanges?: number;
  /** Polling fallback when no NOTIFY arrives. @defaultValue 500 */
  pollMs?: number;
}

/**
 * The job id of a batch: the same rows give the same id, so the queue drops a batch published
 * twice. The first row's creation time is part of it because ids start again at 1 in a new
 * database: a queue that still remembers jobs of an earlier database would drop the new ones.
 */
function publishJobId(messages: Array<Pick<OutboxMessage, 'id' | 'createdAt'>>): string {
  const first = messages[0]!;
  const last = messages[messages.length - 1]!;
  return `outbox-${first.id}-${last.id}-${first.createdAt.replace(/\D/g, '')}`;
}

/**
 * Moves committed outbox rows to the queue, one job per batch (a job per record would cost more
 * CPU than the work it carries). Rows are claimed and marked published by one statement whose
 * transaction commits only after the queue accepted the job: a crash in between publishes again
 * (at-least-once), and the job id built from the row ids lets the queue drop the duplicate.
 */
export function startOutboxRelay(db: Db, queue: QueuePort, options: RelayOptions = {}) {
  const batchSize = options.batchSize ?? 500;
  const maxChanges = options.maxChanges ?? 1000;
  let stopped = false;
  let wake: (() => void) | undefined;
  let unlisten: (() => Promise<void>) | undefined;

  let epoch: { id: string; since: string } | undefined;

  /**
   * A queue that lost its state (Redis restarted without persistence) lost the jobs made from
   * every message published since this relay first saw it: those are published again. Consumers
   * are idempotent (idempotency keys, event ids), so a message that had been handled is harmless.
   */
  async function checkEpoch(): Promise<void> {
    if (!queue.epoch) return;
    const id = await queue.epoch();
    if (epoch?.id === id) return;
    const { rows } = await db.query<{ now: string }>('SELECT now()::text AS now');
    if (epoch) {
      const again = await unpublishSince(db, epoch.since);
      logger.warn('the queue lost its jobs; publishing the outbox again', {
        since: epoch.since,
        messages: again,
      });
    }
    epoch = { id, since: rows[0]!.now };
  }

  /** Publishes one job's worth of messages; true when more may be waiting. */
  async function relayOnce(): Promise<boolean> {
    await checkEpoch();
    return db.transaction(async (tx) => {
      const messages = await claimForPublishing(tx, batchSize, maxChanges);
      if (messages.length === 0) return false;
      const batch: ChangeBatch = {
        messages: messages.map(({ id, topic, key, payload }) => ({ id, topic, key, payload })),
      };
      await queue.add(CHANGES_QUEUE, 'change-batch', batch, { jobId: publishJobId(messages) });
      const changes = messages.reduce((sum, message) => sum + message.changes, 0);
      return messages.length === batchSize || changes >= maxChanges;
    });
  }

  // A notification that arrives during a pass may announce rows that pass did not see: it is
  // remembered, and the next pass starts at once instead of after the poll interval.
  let notified = false;
  const onNotify = () => {
    notified = true;
    wake?.();
  };

  const loop = async () => {
    while (!stopped) {
      notified = false;
      let failed = false;
      try {
        if (await relayOnce()) continue;
      } catch (error) {
        failed = true;
        logger.warn('outbox relay pass failed; retrying', { error });
      }
      if (stopped || (notified && !failed)) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, options.pollMs ?? 500);
        wake = () => {
          wake = undefined;
          clearTimeout(timer);
          resolve();
        };
      });
    }
  };

  const running = (async () => {
    unlisten = await db.listen(OUTBOX_CHANNEL, onNotify).catch(() => undefined);
    await loop();
  })();

  return {
    relayOnce,
    async stop() {
      stopped = true;
      wake?.();
      await running;
      await unlisten?.();
    },
  };
}
