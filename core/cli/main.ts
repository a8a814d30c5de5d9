import { Command } from 'commander';
import { registerConnectionCommands } from './commands/connections.ts';
import { registerDemoCommand } from './commands/demo.ts';
import { registerFlowCommands } from './commands/flows.ts';
import { registerMdmCommands } from './commands/mdm.ts';
import { registerServeCommands } from './commands/serve.ts';
import { registerSyncCommand } from './commands/sync.ts';
import { registerTocCommands } from './commands/toc.ts';
import { registerUserCommands } from './commands/users.ts';

const program = new Command()
  .name('thub')
  .description('Throughput Hub: CRM, ERP and SCM in one canonical model, with Theory-of-Constraints services')
  .version('0.1.0');

registerServeCommands(program);
registerDemoCommand(program);
registerSyncCommand(program);
registerTocCommands(program);
registerMdmCommands(program);
registerUserCommands(program);
registerConnectionCommands(program);
registerFlowCommands(program);

await program.parseAsync(process.argv);
