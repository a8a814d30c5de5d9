import { alertQuerySchema, runBodySchema, runQuerySchema, settingsBodySchema } from '../routes/flow-runs.ts';
import type { ApiOperation } from './operations.ts';
import { anyObject, pageOf } from './shapes.ts';

/** Flows: operators run them and replay failed runs like failed syncs; settings are configuration. */
export const flowOperations: ApiOperation[] = [
  {
    method: 'get',
    path: '/api/flows',
    role: 'viewer',
    tag: 'Flows',
    summary: 'Flows with their trigger, steps and settings',
    response: anyObject,
  },
  {
    method: 'post',
    path: '/api/flows/:name/run',
    role: 'operator',
    tag: 'Flows',
    summary: 'Run a flow now: on a record (recordId) for change-triggered flows, else on the payload',
    body: runBodySchema,
    response: anyObject,
    audit: 'flow.run',
  },
  {
    method: 'put',
    path: '/api/flows/:name/settings',
    role: 'admin',
    tag: 'Flows',
    summary: 'Enable or disable a flow and change its settings',
    body: settingsBodySchema,
    response: anyObject,
    audit: 'flow.settings_save',
  },
  {
    method: 'get',
    path: '/api/flow-runs',
    role: 'viewer',
    tag: 'Flows',
    summary: 'Flow runs, newest first',
    query: runQuerySchema,
    response: pageOf(anyObject),
  },
  {
    method: 'get',
    path: '/api/flow-runs/:id',
    role: 'viewer',
    tag: 'Flows',
    summary: 'One flow run with its step results',
    response: anyObject,
  },
  {
    method: 'post',
    path: '/api/flow-runs/:id/replay',
    role: 'operator',
    tag: 'Flows',
    summary: 'Replay a flow run from its failed step',
    response: anyObject,
    audit: 'flow_run.replay',
  },
  {
    method: 'get',
    path: '/api/flow-alerts',
    role: 'viewer',
    tag: 'Flows',
    summary: 'Flow alerts by level',
    query: alertQuerySchema,
    response: pageOf(anyObject),
  },
];
