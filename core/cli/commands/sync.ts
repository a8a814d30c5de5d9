import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { loadEnv } from '../../config/env.ts';
import { openHub } from '../../runtime/hub.ts';
import { runSync } from '../../sync/run-sync.ts';
import { emptyCounts, type RunStatus } from '../../sync/runs.ts';
import { exitCodeOf, reportFailure } from '../report-error.ts';
import { abortOnSignals } from '../stop-signals.ts';

const format =
  ' {bar} {value} read | {created} created, {updated} updated, {unchanged} unchanged, {pending} waiting, {failed} failed';

const exitCodeHelp = `
Exit codes:
  0    the run succeeded
  1    the run failed, or the hub hit an internal error
  2    the request was refused (unknown connection or stream, stream already syncing, ...)
  3    the run was partial: records failed, the source's fields changed (schema drift),
       or a quota or rate limit ended it early
  130  stopped by Ctrl-C (143 by SIGTERM): the run stops after its current page and is recorded;
       a second Ctrl-C quits at once`;

const runExitCodes: Record<RunStatus, number> = {
  succeeded: 0,
  partial: 3,
  failed: 1,
  running: 1,
  abandoned: 1,
};

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
    .addHelpText('after', exitCodeHelp)
    .action(async (connectionId: string, stream: string, options: { full?: boolean }) => {
      const hub = await openHub(loadEnv());
      const bar = new cliProgress.SingleBar(
        { format, hideCursor: true, clearOnComplete: false, stream: process.stderr },
        cliProgress.Presets.shades_classic,
      );
      const stop = abortOnSignals({
        onFirst: () => {
          bar.stop();
          process.stderr.write('thub sync: stopping after the current page (Ctrl-C again to quit at once)\n');
        },
      });
      bar.start(1, 0, emptyCounts());
      try {
        const run = await runSync(hub, {
          connectionId,
          stream,
          full: options.full,
          signal: stop.signal,
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
        process.exitCode = stop.exitCode() ?? runExitCodes[run.status];
      } catch (error) {
        bar.stop();
        reportFailure('sync', error, { exitCode: stop.exitCode() ?? exitCodeOf(error) });
      } finally {
        await hub.close();
        stop.dispose();
      }
    });
}
