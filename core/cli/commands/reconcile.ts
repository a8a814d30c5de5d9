import type { Command } from 'commander';
import { loadEnv } from '../../config/env.ts';
import { openHub } from '../../runtime/hub.ts';
import { reconcile, summarizeReconcile } from '../../sync/reconcile.ts';
import { reportFailure } from '../report-error.ts';

/** `thub reconcile <connection> <stream>`: the report as JSON on stdout, a summary on stderr; exit 1 when not reconciled. */
export function registerReconcileCommand(program: Command): void {
  program
    .command('reconcile')
    .description(
      'Compare ids and content hashes of source, hub and target; list missing, extra and different records',
    )
    .argument('<connection>', 'connection id')
    .argument('<stream>', 'stream name, e.g. customers')
    .action(async (connectionId: string, stream: string) => {
      const hub = await openHub(loadEnv());
      try {
        const report = await reconcile(hub, connectionId, stream);
        process.stdout.write(`${JSON.stringify(report)}\n`);
        process.stderr.write(`${summarizeReconcile(report)}\n`);
        if (!report.ok) process.exitCode = 1;
      } catch (error) {
        reportFailure('reconcile', error);
      } finally {
        await hub.close();
      }
    });
}
