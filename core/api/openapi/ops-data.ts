import { recordQuerySchema } from '../routes/records.ts';
import type { ApiOperation } from './operations.ts';
import { anyObject, pageOf } from './shapes.ts';

export const dataOperations: ApiOperation[] = [
  {
    method: 'get',
    path: '/api/records/:entity',
    role: 'viewer',
    tag: 'Master data',
    summary: 'Search golden records of an entity (q matches name, key and body)',
    query: recordQuerySchema,
    response: pageOf(anyObject),
  },
  {
    method: 'get',
    path: '/api/records/:entity/:id',
    role: 'viewer',
    tag: 'Master data',
    summary: 'A golden record with field lineage, source records, xrefs, change history and merges',
    response: anyObject,
  },
];
