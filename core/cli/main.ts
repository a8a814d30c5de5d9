import { Command } from 'commander';
import { registerTocCommands } from './commands/toc.ts';

const program = new Command()
  .name('thub')
  .description('Throughput Hub: CRM, ERP and SCM in one canonical model, with Theory-of-Constraints services')
  .version('0.1.0');

registerTocCommands(program);

await program.parseAsync(process.argv);
