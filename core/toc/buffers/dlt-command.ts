import { z } from 'zod';
import { defineTocCommand } from '../command.ts';
import { MAX_DAYS, MAX_ITEMS, MAX_RECORD_LINES } from '../limits.ts';
import { computeDlt } from './dlt.ts';
import { collectUniqueIds } from './item-ids.ts';

const days = z.number().min(0).max(MAX_DAYS);

export const dltInputSchema = z
  .object({
    items: z
      .array(
        z.object({
          id: z.string().min(1),
          type: z.enum(['manufactured', 'purchased', 'distributed']),
          produceDays: days.optional(),
          vendorLeadDays: days.optional(),
          components: z.array(z.string().min(1)).max(MAX_RECORD_LINES).optional(),
          buffered: z.boolean(),
        }),
      )
      .max(MAX_ITEMS),
  })
  .superRefine((input, ctx) => {
    const ids = collectUniqueIds(input.items, ctx);
    input.items.forEach((item, index) => {
      if (item.type === 'manufactured' && item.produceDays === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['items', index, 'produceDays'],
          message: 'required for a manufactured item',
        });
      }
      if (item.type !== 'manufactured' && item.vendorLeadDays === undefined) {
        const message = `required for a ${item.type} item`;
        ctx.addIssue({ code: 'custom', path: ['items', index, 'vendorLeadDays'], message });
      }
    });
    input.items.forEach((item, index) => {
      item.components?.forEach((component, position) => {
        if (!ids.has(component)) {
          const message = `unknown component "${component}" of item "${item.id}"`;
          ctx.addIssue({ code: 'custom', path: ['items', index, 'components', position], message });
        }
      });
    });
  });

export const dltCommand = defineTocCommand({
  name: 'dlt',
  summary: 'Decoupled lead time of each item: the longest unprotected path through its bill of materials',
  input: dltInputSchema,
  run: (input) => computeDlt(input.items),
});
