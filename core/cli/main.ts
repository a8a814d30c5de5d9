import { Command } from 'commander';
import { registerConnectionCommands } from './commands/connections.ts';
import { registerDemoCommand } from './commands/demo.ts';
import { registerFlowCommands } from './commands/flows.ts';
import { registerConnectionMappingCommands } from './commands/mapping-wiring.ts';
import { registerMdmCommands } from './commands/mdm.ts';
import { registerReconcileCommand } from './commands/reconcile.ts';
import { registerServeCommands } from './commands/serve.ts';
import { registerSyncCommand } from './commands/sync.ts';
import { registerTocCommands } from './commands/toc.ts';
import { registerUserCommands } from './commands/users.ts';
import { closeCliStore } from './shared-store.ts';

const program = new Command()
  .name('thub')
  .description('Throughput Hub: CRM, ERP and SCM in one canonical model, with Theory-of-Constraints services')
  .version('0.1.0');

registerServeCommands(program);
registerDemoCommand(program);
registerSyncCommand(program);
registerReconcileCommand(program);
registerTocCommands(program);
registerMdmCommands(program);
registerConnectionMappingCommands(program);
registerUserCommands(program);
registerConnectionCommands(program);
registerFlowCommands(program);

await program.parseAsync(process.argv);
await closeCliStore();
