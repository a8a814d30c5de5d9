import type { Command } from 'commander';
import { flowRunNotFound } from '../../api/routes/flow-runs.ts';
import { uuidParam } from '../../api/validate.ts';
import { loadEnv } from '../../config/env.ts';
import { describeFlow, findFlow, listFlows } from '../../flow/catalog.ts';
import type { RunStatus } from '../../flow/run-store.ts';
import { replayFlowRun, viewRun } from '../../flow/runner.ts';
import { runFlowNow } from '../../flow/service.ts';
import { loadFlowSettings } from '../../flow/settings.ts';
import { type Hub, openHub } from '../../runtime/hub.ts';
import { reported } from '../report-error.ts';

async function withHub(command: string, fn: (hub: Hub) => Promise<void>): Promise<void> {
  await reported(`flows ${command}`, async () => {
    const hub = await openHub(loadEnv());
    try {
      await fn(hub);
    } finally {
      await hub.close();
    }
  })();
}

const print = (value: unknown) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);

const flowExitCodeHelp = `
Exit codes:
  0    the run succeeded, halted on purpose, or waits for a record another flow is creating
  1    the run failed (replay it with \`thub flows replay <run>\`), is still running elsewhere
       (a run with the same key), or the hub hit an internal error
  2    the request was refused (unknown flow or run, a run that cannot be replayed, ...)
  3    the run was partial: its steps took effect but left work undone, named under "partial"`;

/** As `thub sync` does: a script can tell a partial run from a clean one. */
export const flowRunExitCodes: Record<RunStatus, number> = {
  succeeded: 0,
  halted: 0,
  waiting: 0,
  running: 1,
  partial: 3,
  failed: 1,
};

/** `thub flows list | run <name> | replay <run id>`: runs happen in this process, writes go to the targets at once. */
export function registerFlowCommands(program: Command): void {
  const flows = program
    .command('flows')
    .description('Business flows across the CRM, ERP and SCM connections');
  flows
    .command('list')
    .description('Every flow with its trigger, steps, the roles it writes to and whether it is enabled')
    .action(() =>
      withHub('list', async (hub) => {
        for (const flow of listFlows()) {
          const { enabled } = await loadFlowSettings(hub.store.db, flow);
          const view = describeFlow(flow);
          const trigger =
            view.trigger.kind === 'change'
              ? `on ${view.trigger.entities?.join('/')} change`
              : view.trigger.kind === 'cron'
                ? `cron ${view.trigger.cron}`
                : view.trigger.kind;
          process.stdout.write(
            `${flow.name.padEnd(22)} ${(enabled ? 'enabled' : 'disabled').padEnd(9)} ${trigger.padEnd(30)} writes ${flow.writesTo.join(', ') || '-'}\n  ${flow.summary}\n`,
          );
        }
      }),
    );
  flows
    .command('run')
    .description('Run a flow now and print the run with its steps')
    .argument('<name>', 'flow name, e.g. replenishment')
    .option('--record <id>', 'canonical id of the record a change-triggered flow runs on')
    .option('--key <key>', 'run key; a run with the same key is answered instead of started again')
    .addHelpText('after', flowExitCodeHelp)
    .action((name: string, options: { record?: string; key?: string }) =>
      withHub('run', async (hub) => {
        const run = await runFlowNow(hub, findFlow(name), { recordId: options.record, key: options.key });
        print(run);
        process.exitCode = flowRunExitCodes[run.status];
      }),
    );
  flows
    .command('replay')
    .description('Run a failed or halted run again from the step that stopped it')
    .argument('<run>', 'flow run id')
    .addHelpText('after', flowExitCodeHelp)
    .action((id: string) =>
      withHub('replay', async (hub) => {
        const run = await viewRun(hub, uuidParam(id, flowRunNotFound));
        const replayed = await replayFlowRun(hub, findFlow(run.flow), id);
        print(replayed);
        process.exitCode = flowRunExitCodes[replayed.status];
      }),
    );
}
