import type { Command } from 'commander';
import { loadEnv } from '../../config/env.ts';
import { openHub } from '../../runtime/hub.ts';
import { checkConnection } from '../../sync/connection-check.ts';
import { reported } from '../report-error.ts';

export function registerConnectionCommands(program: Command): void {
  const connections = program.command('connections').description('Connections to CRM, ERP and SCM systems');
  connections
    .command('list')
    .description('List connections and their status (secrets are never printed)')
    .action(
      reported('connections list', async () => {
        const hub = await openHub(loadEnv());
        try {
          for (const view of await hub.store.connections.list())
            process.stdout.write(`${view.id}\t${view.kind}\t${view.status}\t${view.name}\n`);
        } finally {
          await hub.close();
        }
      }),
    );
  connections
    .command('check <id>')
    .description(
      "Run the connector's check against the system (refused credentials mark the connection needs_reauthorization, a pass marks it active again); exit code 1 when a check fails, 2 for an unknown connection",
    )
    .action(
      reported('connections check', async (id: string) => {
        const hub = await openHub(loadEnv());
        try {
          const connection = await hub.store.connections.get(id);
          const result = await checkConnection(hub, connection, AbortSignal.timeout(60_000));
          for (const check of result.checks)
            process.stdout.write(`${check.ok ? 'ok  ' : 'FAIL'} ${check.name}: ${check.message}\n`);
          process.exitCode = result.ok ? 0 : 1;
        } finally {
          await hub.close();
        }
      }),
    );
}
