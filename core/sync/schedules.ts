import cron, { type ScheduledTask, type TaskContext } from 'node-cron';
import { HubError } from '../errors/index.ts';
import { logger } from '../log/logger.ts';
import type { QueuePort } from '../queue/port.ts';
import type { Hub } from '../runtime/hub.ts';
import type { Queryable } from '../store/db.ts';
import { SYNC_RUNS_QUEUE, type SyncRunJob } from './sync-jobs.ts';

export interface Schedule {
  connectionId: string;
  stream: string;
  cron: string;
  enabled: boolean;
}

export async function saveSchedule(db: Queryable, schedule: Schedule): Promise<void> {
  if (!cron.validate(schedule.cron)) {
    throw new HubError('invalid_data', 'invalid_cron', `"${schedule.cron}" is not a valid cron expression`, {
      fieldPath: 'cron',
    });
  }
  await db.query(
    `INSERT INTO schedules (connection_id, stream, cron, enabled) VALUES ($1, $2, $3, $4)
     ON CONFLICT (connection_id, stream) DO UPDATE SET cron = EXCLUDED.cron, enabled = EXCLUDED.enabled`,
    [schedule.connectionId, schedule.stream, schedule.cron, schedule.enabled],
  );
}

export async function listSchedules(db: Queryable): Promise<Schedule[]> {
  const { rows } = await db.query<Schedule>(
    `SELECT connection_id AS "connectionId", stream, cron, enabled FROM schedules ORDER BY connection_id, stream`,
  );
  return rows;
}

/**
 * One id per stream and minute. The minute is counted in epoch minutes because BullMQ refuses
 * custom job ids containing ':' (an ISO time has two); stream names are not restricted either.
 */
export function scheduledRunJobId(
  schedule: Pick<Schedule, 'connectionId' | 'stream'>,
  now = new Date(),
): string {
  const epochMinute = Math.floor(now.getTime() / 60_000);
  return `sched-${schedule.connectionId}-${schedule.stream}-${epochMinute}`.replaceAll(':', '_');
}

export async function enqueueScheduledRun(
  queue: QueuePort,
  schedule: Schedule,
  now = new Date(),
): Promise<void> {
  const job: SyncRunJob = {
    connectionId: schedule.connectionId,
    stream: schedule.stream,
    reason: 'schedule',
  };
  await queue.add(SYNC_RUNS_QUEUE, 'sync', job, { jobId: scheduledRunJobId(schedule, now) });
}

/**
 * How late a tick may fire and still run. node-cron drops a tick more than a second late (a long
 * garbage collection or a busy event loop), which would leave the stream until its next slot.
 * A late tick runs as long as the next slot has not come; ticks passed over while the process
 * stood still become one run, the latest, since a run reads everything since the stored cursor.
 */
const LATE_TICK_TOLERANCE_MS = 24 * 60 * 60_000;

/**
 * Every worker runs the same cron timers; each tick enqueues a job whose id names the stream and
 * the minute, so however many workers fire, the queue holds one run, and the stream lease keeps a
 * slow run from overlapping the next tick. A tick missed while no worker was up is not replayed:
 * the next tick reads from the stored cursor, so no change is lost, only picked up later. So it is
 * with a paused connection: its timers stop, and the first tick after its resume reads on from there.
 */
export function startScheduler(hub: Hub, reloadMs = 10_000) {
  const tasks = new Map<string, { cron: string; task: ScheduledTask }>();
  let stopped = false;

  // The slot's own time, not the clock at the call: workers firing late by different amounts
  // still name the same job.
  const tick = (schedule: Schedule) => async (context: TaskContext) => {
    await enqueueScheduledRun(hub.queue, schedule, context.date).catch((error: unknown) => {
      logger.warn('could not enqueue scheduled run', { ...schedule, error });
    });
  };

  // A paused connection's timers stop with the next reload; a tick before it is refused by the run.
  const reload = async () => {
    const [schedules, connections] = await Promise.all([
      listSchedules(hub.store.db),
      hub.store.connections.listSummaries(),
    ]);
    const paused = new Set(connections.filter((c) => c.status === 'disabled').map((c) => c.id));
    const wanted = schedules.filter((schedule) => schedule.enabled && !paused.has(schedule.connectionId));
    const keys = new Set(wanted.map((s) => `${s.connectionId}/${s.stream}`));
    for (const [key, entry] of tasks) {
      if (!keys.has(key)) {
        await entry.task.stop();
        tasks.delete(key);
      }
    }
    for (const schedule of wanted) {
      const key = `${schedule.connectionId}/${schedule.stream}`;
      const existing = tasks.get(key);
      if (existing?.cron === schedule.cron) continue;
      await existing?.task.stop();
      const task = cron.schedule(schedule.cron, tick(schedule), {
        missedExecutionTolerance: LATE_TICK_TOLERANCE_MS,
      });
      tasks.set(key, { cron: schedule.cron, task });
    }
  };

  let timer: NodeJS.Timeout | undefined;
  const loop = () => {
    timer = setTimeout(async () => {
      await reload().catch((error: unknown) => logger.warn('schedule reload failed', { error }));
      if (!stopped) loop();
    }, reloadMs);
  };
  const ready = reload().then(loop);

  return {
    ready,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      for (const entry of tasks.values()) await entry.task.stop();
      tasks.clear();
    },
  };
}
