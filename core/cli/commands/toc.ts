import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { executeTocCommand } from '../../toc/command.ts';
import { findTocCommand, listTocCommands } from '../../toc/registry.ts';
import { reportFailure } from '../report-error.ts';

async function readJsonInput(path: string): Promise<unknown> {
  const text = path === '-' ? await readStdin() : await readFile(path, 'utf8');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`${path}: not valid JSON (${(error as Error).message})`);
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function registerTocCommands(program: Command): void {
  const toc = program.command('toc').description('Theory-of-Constraints engines: JSON in, JSON out');
  for (const command of listTocCommands()) {
    toc
      .command(command.name)
      .description(command.summary)
      .requiredOption('-i, --input <file>', 'input JSON file, or - for stdin')
      .action(async (options: { input: string }) => {
        try {
          const raw = await readJsonInput(options.input);
          const result = await executeTocCommand(findTocCommand(command.name), raw);
          process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        } catch (error) {
          reportFailure(`toc ${command.name}`, error, { exitCode: 2 });
        }
      });
  }
}
