import { defineTocCommand } from '../command.ts';
import { computeBufferStatuses } from './buffer-status.ts';
import { buffersInputSchema } from './buffers-schema.ts';

export const buffersCommand = defineTocCommand({
  name: 'buffers',
  summary:
    'DDMRP buffer status: zones, qualified demand, net flow position, priorities and order recommendations',
  input: buffersInputSchema,
  run: computeBufferStatuses,
});
