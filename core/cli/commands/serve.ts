import type { Command } from 'commander';
import { loadEnv } from '../../config/env.ts';
import { openHub } from '../../runtime/hub.ts';
import { runHub, stopOnSignals } from '../../runtime/process.ts';
import { openStore, storeOptionsFromEnv } from '../../store/index.ts';
import { migrate } from '../../store/migrate.ts';

interface ServeOptions {
  port?: string;
}

async function serve(options: ServeOptions, roles: { api: boolean; workers: boolean }) {
  const env = loadEnv();
  const hub = await openHub(env);
  const running = await runHub(hub, { ...roles, port: options.port ? Number(options.port) : env.PORT });
  if (running.url) process.stdout.write(`Throughput Hub listening on ${running.url}\n`);
  stopOnSignals(running);
}

export function registerServeCommands(program: Command): void {
  program
    .command('start')
    .description('API and workers in one process (data folder HUB_DATA_DIR, default ./.hub-data)')
    .option('-p, --port <port>', 'HTTP port (default PORT or 3000)')
    .action((options: ServeOptions) => serve(options, { api: true, workers: true }));
  program
    .command('api')
    .description('API only; run workers separately with `thub worker`')
    .option('-p, --port <port>', 'HTTP port (default PORT or 3000)')
    .action((options: ServeOptions) => serve(options, { api: true, workers: false }));
  program
    .command('worker')
    .description('Workers only: outbox relay, sync and write queues, schedules; run as many as you like')
    .action(() => serve({}, { api: false, workers: true }));
  program
    .command('migrate')
    .description('Bring the database schema up to date')
    .action(async () => {
      const store = await openStore({ ...storeOptionsFromEnv(loadEnv()), migrate: false });
      const applied = await migrate(store.db);
      process.stdout.write(applied.length ? `Applied: ${applied.join(', ')}\n` : 'Schema is up to date\n');
      await store.close();
    });
}
