import type { ApiOperation } from './operations.ts';
import { adminOperations } from './ops-admin.ts';
import { configOperations } from './ops-config.ts';
import { dataOperations } from './ops-data.ts';
import { flowOperations } from './ops-flows.ts';
import { platformOperations } from './ops-platform.ts';

/** Every documented operation of /api. */
export const apiOperations: ApiOperation[] = [
  ...adminOperations,
  ...configOperations,
  ...platformOperations,
  ...dataOperations,
  ...flowOperations,
];
