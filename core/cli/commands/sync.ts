import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { loadEnv } from '../../config/env.ts';
import { isHubError } from '../../errors/index.ts';
import { openHub } from '../../runtime/hub.ts';
import { runSync } from '../../sync/run-sync.ts';
import { emptyCounts } from '../../sync/runs.ts';

const format =
  ' {bar} {value} read | {created} created, {updated} updated, {unchanged} unchanged, {pending} waiting, {failed} failed';

/**
 * `thub sync <connection> <stream>`: one run in this process. Outbound writes it causes are left in
 * the outbox for the workers (`thub start` or `thub worker`) to deliver.
 */
export function registerSyncCommand(program: Command): void {
  program
    .command('sync')
    .description('Run one sync of a connection stream now and print its counts')
    .argument('<connection>', 'connection id')
    .argument('<stream>', 'stream name, e.g. customers')
    .option('--full', 'ignore the stored cursor and read everything')
    .action(async (connectionId: string, stream: string, options: { full?: boolean }) => {
      const hub = await openHub(loadEnv());
      const bar = new cliProgress.SingleBar(
        { format, hideCursor: true, clearOnComplete: false, stream: process.stderr },
        cliProgress.Presets.shades_classic,
      );
      bar.start(1, 0, emptyCounts());
      try {
        const run = await runSync(hub, {
          connectionId,
          stream,
          full: options.full,
          // The source does not say how many records are left: the bar grows a page ahead.
          onProgress: (counts) => {
            bar.setTotal(counts.read * 2 || 1);
            bar.update(counts.read, counts);
          },
        });
        bar.setTotal(run.counts.read || 1);
        bar.update(run.counts.read, run.counts);
        bar.stop();
        process.stdout.write(
          `${JSON.stringify({ run: run.id, status: run.status, reason: run.statusReason, counts: run.counts, durationMs: run.durationMs, schemaDrift: run.schemaDrift })}\n`,
        );
        if (run.status === 'failed') process.exitCode = 1;
      } catch (error) {
        bar.stop();
        process.stderr.write(`thub sync: ${isHubError(error) ? error.message : (error as Error).message}\n`);
        process.exitCode = isHubError(error) && error.kind !== 'system' ? 2 : 1;
      } finally {
        await hub.close();
      }
    });
}
