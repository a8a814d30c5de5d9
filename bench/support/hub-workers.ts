import { fileURLToPath } from 'node:url';
import type { Hub } from '../../core/runtime/hub.ts';
import { startWorkers } from '../../core/runtime/worker.ts';
import { forkWithIpc } from './ipc-child.ts';

export interface BenchWorkers {
  /** 'in-process', or 'api + worker process' when they run apart from the API as services mode does. */
  shape: string;
  /** CPU time (ms) the worker process has used so far; 0 when the workers share this process. */
  cpuMs(): Promise<number>;
  /** Stops them; returns the worker process's peak resident memory (0 when in this process). */
  stop(): Promise<number>;
}

/**
 * The hub's workers as the runtime mode runs them: with PostgreSQL and Redis (services mode) in a
 * worker process of their own, apart from the API; with the embedded database, in this process.
 */
export async function startBenchWorkers(
  hub: Hub,
  shared: { masterKey: string; queuePrefix: string },
): Promise<BenchWorkers> {
  if (hub.store.db.driver !== 'postgres' || hub.queue.driver !== 'bullmq') {
    const workers = await startWorkers(hub);
    return {
      shape: 'in-process',
      cpuMs: async () => 0,
      stop: async () => {
        await workers.stop();
        return 0;
      },
    };
  }
  const script = fileURLToPath(new URL('./worker-process.ts', import.meta.url));
  const { ask } = await forkWithIpc<null>(script, {
    ...process.env,
    BENCH_MASTER_KEY: shared.masterKey,
    BENCH_QUEUE_PREFIX: shared.queuePrefix,
  });
  return {
    shape: 'api + worker process',
    cpuMs: () => ask<number>({ type: 'cpu' }),
    stop: async () => (await ask<{ peakRssBytes: number }>({ type: 'stop' })).peakRssBytes,
  };
}
