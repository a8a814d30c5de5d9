import { z } from 'zod';
import { errorClasses } from '../../sync/error-class.ts';
import { pageQuerySchema } from '../validate.ts';
import type { ApiOperation } from './operations.ts';
import { anyObject, pageOf } from './shapes.ts';

const failureFilter = {
  connection: z.string().optional(),
  stream: z.string().optional(),
  state: z.enum(['open', 'replayed', 'resolved', 'ignored']).optional(),
  errorClass: z.enum(errorClasses).optional(),
  text: z.string().optional(),
};
const replayResult = z.object({
  id: z.string(),
  state: z.enum(['open', 'replayed', 'resolved', 'ignored']),
  message: z.string().optional(),
});

/** TOC engines, sync runs and failed syncs. */
export const platformOperations: ApiOperation[] = [
  {
    method: 'get',
    path: '/api/toc',
    role: 'viewer',
    tag: 'TOC',
    summary: 'List the TOC engines',
    response: z.object({ items: z.array(z.object({ name: z.string(), summary: z.string() })) }),
  },
  {
    method: 'post',
    path: '/api/toc/:command',
    role: 'viewer',
    tag: 'TOC',
    summary:
      'Run a TOC engine (mix, report, time-buffers, schedule, quote, buffers, adu, dlt, dbm) on the given input; computes only',
    body: anyObject,
    response: anyObject,
  },
  {
    method: 'get',
    path: '/api/toc/services',
    role: 'viewer',
    tag: 'TOC',
    summary: 'List the TOC services that run an engine on the synced data',
    response: z.object({ items: z.array(anyObject) }),
  },
  {
    method: 'get',
    path: '/api/toc/services/:name',
    role: 'viewer',
    tag: 'TOC',
    summary: 'Run a TOC service on the golden records (parameters in the query); computes only',
    response: anyObject,
  },
  {
    method: 'post',
    path: '/api/toc/services/:name',
    role: 'viewer',
    tag: 'TOC',
    summary: 'Run a TOC service with the parameters as JSON (for quote, the orders to quote); computes only',
    body: anyObject,
    response: anyObject,
  },
  {
    method: 'get',
    path: '/api/runs',
    role: 'viewer',
    tag: 'Sync runs',
    summary: 'Sync runs, newest first, with counts',
    query: pageQuerySchema.extend({
      connection: z.string().optional(),
      stream: z.string().optional(),
      status: z.enum(['running', 'succeeded', 'partial', 'failed', 'abandoned']).optional(),
    }),
    response: pageOf(anyObject),
  },
  {
    method: 'get',
    path: '/api/runs/:id',
    role: 'viewer',
    tag: 'Sync runs',
    summary: 'One sync run',
    response: anyObject,
  },
  {
    method: 'post',
    path: '/api/connections/:id/streams/:stream/sync',
    role: 'operator',
    tag: 'Sync runs',
    summary: 'Queue a sync run of one stream now (409 connection_paused while its connection is paused)',
    body: z.object({ full: z.boolean().default(false) }),
    response: anyObject,
    audit: 'sync.run_now',
    accepted: true,
  },
  {
    method: 'get',
    path: '/api/failures',
    role: 'viewer',
    tag: 'Failed syncs',
    summary: 'Failed syncs by filter, with counts by state',
    query: pageQuerySchema.extend(failureFilter),
    response: pageOf(anyObject).extend({ counts: z.record(z.string(), z.number()) }),
  },
  {
    method: 'get',
    path: '/api/failures/:id',
    role: 'viewer',
    tag: 'Failed syncs',
    summary: 'One failed sync: payload, error, failing field and advice',
    response: anyObject,
  },
  {
    method: 'post',
    path: '/api/failures/replay',
    role: 'operator',
    tag: 'Failed syncs',
    summary: 'Replay every failed sync matching the filter',
    body: z.strictObject(failureFilter),
    response: z.object({ replayed: z.number(), results: z.array(replayResult) }),
    audit: 'failure.replay_matching',
  },
  {
    method: 'post',
    path: '/api/failures/:id/replay',
    role: 'operator',
    tag: 'Failed syncs',
    summary: 'Replay one failed sync with the mapping as it is now',
    response: replayResult,
    audit: 'failure.replay',
  },
  {
    method: 'post',
    path: '/api/failures/:id/ignore',
    role: 'operator',
    tag: 'Failed syncs',
    summary: 'Mark an open or replayed failed sync as ignored (409 if it is already resolved)',
    response: z.object({ id: z.string(), state: z.literal('ignored') }),
    audit: 'failure.ignore',
  },
];
