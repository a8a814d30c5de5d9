import { z } from 'zod';
import {
  connectionBodySchema,
  connectionUpdateSchema,
  pauseBodySchema,
  scheduleBodySchema,
  scheduleQuerySchema,
} from '../routes/connections.ts';
import {
  diffQuerySchema,
  dryRunBodySchema,
  mappingListQuerySchema,
  mappingTextSchema,
} from '../routes/mappings.ts';
import { pageQuerySchema } from '../validate.ts';
import type { ApiOperation } from './operations.ts';
import { anyObject, pageOf } from './shapes.ts';

const checkResult = z.object({
  ok: z.boolean(),
  checks: z.array(z.object({ name: z.string(), ok: z.boolean(), message: z.string() })),
});
const problems = z.array(z.object({ path: z.string(), message: z.string() }));
const schedule = z.object({
  connectionId: z.string(),
  stream: z.string(),
  cron: z.string(),
  enabled: z.boolean(),
});

/** Connectors, connections, schedules and mappings. Secrets are write-only everywhere. */
export const configOperations: ApiOperation[] = [
  {
    method: 'get',
    path: '/api/connectors',
    role: 'viewer',
    tag: 'Connections',
    summary: 'Connector kinds with streams and the config JSON Schema (secret fields writeOnly)',
    response: pageOf(anyObject),
  },
  {
    method: 'get',
    path: '/api/connections',
    role: 'viewer',
    tag: 'Connections',
    summary:
      "Connections with health: status, last run, each stream's last run, open failures; secrets never included",
    query: pageQuerySchema,
    response: pageOf(anyObject),
  },
  {
    method: 'get',
    path: '/api/connections/:id',
    role: 'viewer',
    tag: 'Connections',
    summary: 'One connection; secretFields names the secrets that are set, never their values',
    response: anyObject,
  },
  {
    method: 'post',
    path: '/api/connections',
    role: 'admin',
    tag: 'Connections',
    summary: 'Create a connection; the config is validated by the connector schema',
    body: connectionBodySchema,
    response: anyObject,
    audit: 'connection.create',
  },
  {
    method: 'put',
    path: '/api/connections/:id',
    role: 'admin',
    tag: 'Connections',
    summary: 'Edit a connection; a secret left out keeps its stored value',
    body: connectionUpdateSchema,
    response: anyObject,
    audit: 'connection.update',
  },
  {
    method: 'delete',
    path: '/api/connections/:id',
    role: 'admin',
    tag: 'Connections',
    summary: 'Delete a connection',
    response: anyObject,
    audit: 'connection.delete',
  },
  {
    method: 'post',
    path: '/api/connections/:id/check',
    role: 'operator',
    tag: 'Connections',
    summary: 'Test the connection with the connector’s check; one that passes ends needs_reauthorization',
    response: checkResult,
  },
  {
    method: 'post',
    path: '/api/connections/:id/pause',
    role: 'admin',
    tag: 'Connections',
    summary:
      'Pause a connection (status disabled): no run starts; its writes and webhook events wait until it is resumed',
    body: pauseBodySchema,
    response: anyObject,
    audit: 'connection.pause',
  },
  {
    method: 'post',
    path: '/api/connections/:id/resume',
    role: 'admin',
    tag: 'Connections',
    summary:
      'Resume a paused connection: its waiting writes and webhook events are taken up, webhook-requested streams run',
    response: anyObject,
    audit: 'connection.resume',
  },
  {
    method: 'get',
    path: '/api/schedules',
    role: 'viewer',
    tag: 'Connections',
    summary: 'Sync schedules',
    query: scheduleQuerySchema,
    response: pageOf(schedule),
  },
  {
    method: 'put',
    path: '/api/connections/:id/schedules/:stream',
    role: 'admin',
    tag: 'Connections',
    summary: 'Set the cron schedule of a stream',
    body: scheduleBodySchema,
    response: schedule,
    audit: 'schedule.save',
  },
  {
    method: 'get',
    path: '/api/mappings',
    role: 'viewer',
    tag: 'Mappings',
    summary: 'Mappings per connection, stream and direction, with their current version',
    query: mappingListQuerySchema,
    response: pageOf(anyObject),
  },
  {
    method: 'get',
    path: '/api/mappings/:id',
    role: 'viewer',
    tag: 'Mappings',
    summary:
      'A mapping (<connection>:<stream>:<in|out>): default YAML, current override, effective YAML, history',
    response: anyObject,
  },
  {
    method: 'get',
    path: '/api/mappings/:id/diff',
    role: 'viewer',
    tag: 'Mappings',
    summary: 'Unified diff of the effective mapping between two versions',
    query: diffQuerySchema,
    response: z.object({ from: z.number(), to: z.number(), patch: z.string() }),
  },
  {
    method: 'post',
    path: '/api/mappings/:id/validate',
    role: 'operator',
    tag: 'Mappings',
    summary: 'Validate an override as you type; writes nothing',
    body: mappingTextSchema,
    response: z.object({ valid: z.boolean(), errors: problems }),
  },
  {
    method: 'put',
    path: '/api/mappings/:id',
    role: 'admin',
    tag: 'Mappings',
    summary: 'Save an override as the next version',
    body: mappingTextSchema,
    response: z.object({ id: z.string(), version: z.number(), label: z.string() }),
    audit: 'mapping.save',
  },
  {
    method: 'post',
    path: '/api/mappings/:id/dry-run',
    role: 'operator',
    tag: 'Mappings',
    summary: 'Map samples (or a failed sync’s payload) and return the output and every error; writes nothing',
    body: dryRunBodySchema,
    response: anyObject,
  },
];
