import { HubError } from '../errors/index.ts';
import { aduCommand } from './buffers/adu-command.ts';
import { buffersCommand } from './buffers/buffers-command.ts';
import { dbmCommand } from './buffers/dbm-command.ts';
import { dltCommand } from './buffers/dlt-command.ts';
import type { TocCommand } from './command.ts';
import { quoteCommand } from './dbr/quote.ts';
import { scheduleCommand } from './dbr/schedule.ts';
import { mixCommand } from './throughput/mix.ts';
import { reportCommand } from './throughput/report.ts';
import { timeBuffersCommand } from './time-buffers/time-buffers.ts';

// One line per engine; the CLI and the API list and run exactly these.
const commands: TocCommand[] = [
  mixCommand,
  reportCommand,
  timeBuffersCommand,
  quoteCommand,
  scheduleCommand,
  buffersCommand,
  aduCommand,
  dltCommand,
  dbmCommand,
];

export function listTocCommands(): TocCommand[] {
  return [...commands].sort((a, b) => a.name.localeCompare(b.name));
}

export function findTocCommand(name: string): TocCommand {
  const command = commands.find((candidate) => candidate.name === name);
  if (!command) {
    const known = listTocCommands()
      .map((c) => c.name)
      .join(', ');
    throw new HubError('not_found', 'unknown_toc_command', `Unknown TOC command "${name}". Known: ${known}`);
  }
  return command;
}
