import type { Hub } from '../core/runtime/hub.ts';
import { runSync } from '../core/sync/run-sync.ts';
import type { RunCounts } from '../core/sync/runs.ts';
import { demoStreams } from './connections.ts';

export interface SyncProgress {
  done: number;
  total: number;
  current: string;
  read: number;
}

/** Reads every demo stream once, in reference order; a failed run is reported and the rest go on. */
export async function runInitialSync(hub: Hub, onProgress: (progress: SyncProgress) => void = () => {}) {
  const results: Array<{ stream: string; status: string; counts: RunCounts; error?: string }> = [];
  let read = 0;
  for (const [index, target] of demoStreams.entries()) {
    const current = `${target.connectionId}/${target.stream}`;
    onProgress({ done: index, total: demoStreams.length, current, read });
    const before = read;
    const run = await runSync(hub, {
      ...target,
      full: true,
      onProgress: (counts) =>
        onProgress({ done: index, total: demoStreams.length, current, read: before + counts.read }),
    });
    read = before + run.counts.read;
    results.push({ stream: current, status: run.status, counts: run.counts, error: run.error ?? undefined });
  }
  onProgress({ done: demoStreams.length, total: demoStreams.length, current: 'done', read });
  return results;
}
