import type { Command } from 'commander';
import { loadEnv } from '../../config/env.ts';
import { openHub } from '../../runtime/hub.ts';
import { runHub, stopOnSignals } from '../../runtime/process.ts';

interface DemoOptions {
  port?: string;
  services?: boolean;
}

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('Start the hub on the embedded default (PGlite, in-process queue); --services uses DATABASE_URL and REDIS_URL')
    .option('-p, --port <port>', 'HTTP port (default PORT or 3000)')
    .option('--services', 'use DATABASE_URL and REDIS_URL instead of the embedded drivers')
    .action(async (options: DemoOptions) => {
      const env = loadEnv();
      const demoEnv = options.services ? env : { ...env, DATABASE_URL: undefined, REDIS_URL: undefined };
      const hub = await openHub(demoEnv);
      const running = await runHub(hub, { api: true, workers: true, port: options.port ? Number(options.port) : env.PORT });
      process.stdout.write(`Throughput Hub demo on ${running.url} (${hub.mode}: ${hub.store.db.driver} + ${hub.queue.driver})\n`);
      stopOnSignals(running);
    });
}
