import { z } from 'zod';
import {
  MAX_ITEMS,
  MAX_MINUTES,
  MAX_MONEY,
  MAX_QUANTITY,
  MAX_RECORD_LINES,
  MAX_WORK_CENTERS,
} from '../limits.ts';
import { checkReference, checkUniqueIds, idSet } from './id-checks.ts';
import { costKinds } from './unit-throughput.ts';

const money = z.number().max(MAX_MONEY);
const count = z.number().int().nonnegative().max(MAX_QUANTITY);

const productSchema = z.object({
  id: z.string().min(1),
  price: money.nonnegative(),
  tvc: money.nonnegative().optional(),
  costs: z
    .array(z.object({ kind: z.enum(costKinds), amount: money.nonnegative() }))
    .max(MAX_RECORD_LINES)
    .optional(),
  demand: count,
  minimum: count.optional(),
  routing: z
    .array(z.object({ resource: z.string().min(1), minutes: z.number().nonnegative().max(MAX_MINUTES) }))
    .max(MAX_RECORD_LINES),
});

export const mixInputSchema = z
  .object({
    operatingExpense: money.nonnegative(),
    investment: money.positive().optional(),
    resources: z
      .array(z.object({ id: z.string().min(1), capacity: z.number().positive().max(MAX_QUANTITY) }))
      .max(MAX_WORK_CENTERS),
    products: z.array(productSchema).min(1).max(MAX_ITEMS),
    /** Branch-and-bound nodes the solver may use to prove the mix optimal before returning its best. */
    maxSolverNodes: z.number().int().positive().max(1_000_000).default(20_000),
    evaluate: z
      .array(z.object({ product: z.string().min(1), quantity: count }))
      .max(MAX_ITEMS)
      .optional(),
  })
  .superRefine((input, ctx) => {
    checkUniqueIds(ctx, input.resources, 'resources');
    checkUniqueIds(ctx, input.products, 'products');
    const resourceIds = idSet(input.resources);
    input.products.forEach((product, p) => {
      if (product.tvc !== undefined && product.costs !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['products', p, 'costs'],
          message: 'give tvc or costs, not both',
        });
      }
      if ((product.minimum ?? 0) > product.demand) {
        const message = `minimum ${product.minimum} is above demand ${product.demand}`;
        ctx.addIssue({ code: 'custom', path: ['products', p, 'minimum'], message });
      }
      product.routing.forEach((step, s) => {
        checkReference(
          ctx,
          resourceIds,
          step.resource,
          ['products', p, 'routing', s, 'resource'],
          'resource',
        );
      });
    });
    checkMinimumsFit(input, ctx);
    checkEvaluate(input, ctx);
  });

export type MixInput = z.output<typeof mixInputSchema>;

/** The minimums are commitments: when they alone overload a resource no mix exists. */
function checkMinimumsFit(input: z.output<typeof mixInputSchema>, ctx: z.RefinementCtx): void {
  input.resources.forEach((resource, r) => {
    let required = 0;
    for (const product of input.products) {
      for (const step of product.routing) {
        if (step.resource === resource.id) required += (product.minimum ?? 0) * step.minutes;
      }
    }
    if (required > resource.capacity) {
      const message = `product minimums need ${required} minutes, more than the capacity ${resource.capacity}`;
      ctx.addIssue({ code: 'custom', path: ['resources', r, 'capacity'], message });
    }
  });
}

function checkEvaluate(input: z.output<typeof mixInputSchema>, ctx: z.RefinementCtx): void {
  const demandOf = new Map(input.products.map((product) => [product.id, product.demand]));
  const seen = new Set<string>();
  input.evaluate?.forEach((line, index) => {
    const demand = demandOf.get(line.product);
    if (demand === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['evaluate', index, 'product'],
        message: `unknown product "${line.product}"`,
      });
    } else if (line.quantity > demand) {
      const message = `quantity ${line.quantity} is above the demand ${demand}: it cannot be sold`;
      ctx.addIssue({ code: 'custom', path: ['evaluate', index, 'quantity'], message });
    }
    if (seen.has(line.product)) {
      ctx.addIssue({
        code: 'custom',
        path: ['evaluate', index, 'product'],
        message: `"${line.product}" listed twice`,
      });
    }
    seen.add(line.product);
  });
}
