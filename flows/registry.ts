import type { Flow } from '../core/flow/define.ts';
import { dealBufferStatus } from './buffer-colours/deal-status.ts';
import { bufferColours } from './buffer-colours/flow.ts';
import { leadToCash } from './lead-to-cash/flow.ts';
import { orderStatus } from './lead-to-cash/order-status.ts';
import { orderToProduction } from './order-to-production/flow.ts';
import { replenishment } from './replenishment/flow.ts';
import { supplierPerformance } from './supplier-performance/flow.ts';
import { throughputScoring } from './throughput-scoring/flow.ts';

// One line per flow; the worker, the API and `thub flows` know exactly these.
export const flows: Flow[] = [
  bufferColours,
  dealBufferStatus,
  leadToCash,
  orderStatus,
  orderToProduction,
  replenishment,
  supplierPerformance,
  throughputScoring,
] as Flow[];
