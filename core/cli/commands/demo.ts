import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import type { SyncProgress } from '../../../demo/initial-sync.ts';
import { type RunningDemo, startDemo } from '../../../demo/start-demo.ts';
import { loadEnv } from '../../config/env.ts';
import { stopOnSignals } from '../../runtime/process.ts';
import { reported } from '../report-error.ts';

interface DemoOptions {
  port?: string;
  services?: boolean;
  seed?: string;
  quiet?: boolean;
}

/** One line per stream whose initial sync did not succeed, with its error. */
function failedStreams(initialSync: RunningDemo['initialSync']): string[] {
  return initialSync
    .filter((run) => run.status !== 'succeeded')
    .map((run) => `  ${run.stream}: ${run.status}${run.error ? `: ${run.error}` : ''}`);
}

function tour(url: string, failed: number): string[] {
  const connections = failed
    ? `with live runs, though ${failed} stream(s) did not sync (listed above)`
    : 'all green, with live runs';
  return [
    `1. ${url}/connections: Salesforce, Odoo and the supplier portal (REST and CSV), ${connections}`,
    `2. ${url}/records?entity=customer: duplicates from CRM and ERP merged into one customer, with lineage`,
    `3. ${url}/toc: the drum schedule of heat treatment (the constraint) and the buffer colours`,
    `4. ${url}/runs: the simulator wins deals, consumes stock, receives goods and makes a supplier late`,
    '5. Won deals get promise dates, written back into the Salesforce sandbox opportunities (Promise_Date__c)',
  ];
}

function syncProgressBar() {
  const bar = new cliProgress.SingleBar(
    {
      format: ' initial sync {bar} {value}/{total} streams | {records} records | {stream}',
      hideCursor: true,
      stream: process.stderr,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(progress: SyncProgress) {
      if (!started) bar.start(progress.total, 0, { records: 0, stream: '' });
      started = true;
      bar.update(progress.done, { records: progress.read, stream: progress.current });
    },
    stop: () => bar.stop(),
  };
}

/** Where to look and how to sign in; the streams that failed their initial sync go to stderr first. */
function announce(demo: RunningDemo): void {
  const failed = failedStreams(demo.initialSync);
  if (failed.length)
    process.stderr.write(
      `\nThe initial sync of ${failed.length} of ${demo.initialSync.length} streams did not succeed:\n${failed.join('\n')}\n`,
    );
  const out = [
    '',
    `Throughput Hub demo on ${demo.url} (${demo.hub.mode}: ${demo.hub.store.db.driver} + ${demo.hub.queue.driver})`,
    `Sandboxes: Salesforce ${demo.sandboxes.salesforce.url}, Odoo ${demo.sandboxes.odoo.url}, supplier portal ${demo.sandboxes.portal.url}, drop folder ${demo.sandboxes.drop.folder}`,
    `Sign in as ${demo.admin.email} / ${demo.admin.password}`,
    `API token (also in ${demo.admin.tokenFile}): ${demo.admin.token}`,
    '',
    ...tour(demo.url, failed.length),
    '',
    'Ctrl-C stops everything.',
    '',
  ];
  process.stdout.write(out.join('\n'));
}

/**
 * `thub demo`: the demo workspace keeps running when some streams fail their initial sync (they
 * are named on stderr); when it cannot start at all, the command says why and exits non-zero.
 */
export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description(
      'Start the hub with sandbox CRM, ERP and supplier systems, a demo manufacturer and live activity; --services uses DATABASE_URL and REDIS_URL',
    )
    .option('-p, --port <port>', 'HTTP port (default PORT or 3000)')
    .option('--services', 'use DATABASE_URL and REDIS_URL instead of the embedded drivers')
    .option('--seed <seed>', 'seed of the demo data', '42')
    .option('--quiet', 'no simulator messages')
    .action(
      reported('demo', async (options: DemoOptions) => {
        const env = loadEnv();
        const progress = syncProgressBar();
        let demo: RunningDemo;
        try {
          demo = await startDemo({
            env,
            services: options.services,
            port: options.port ? Number(options.port) : env.PORT,
            seed: Number(options.seed),
            onSyncProgress: progress.update,
            onSimulated: options.quiet
              ? undefined
              : (events) => process.stdout.write(`  · ${events.join('; ')}\n`),
          });
        } finally {
          progress.stop();
        }
        announce(demo);
        stopOnSignals(demo);
      }),
    );
}
