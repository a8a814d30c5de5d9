import { defineConnector } from '../../core/connector/index.ts';
import { checkErpnext } from './check.ts';
import { createErpnextClient } from './client.ts';
import { type ErpnextConfig, erpnextConfigSchema } from './config.ts';
import { readErpnextStream } from './read.ts';
import { erpnextStreams } from './streams.ts';
import { writeErpnextStream } from './write.ts';

/**
 * ERPNext (Frappe) over its REST API, /api/resource/<DocType>, with token auth.
 * @see https://docs.frappe.io/framework/user/en/api/rest
 */
export const erpnextConnector = defineConnector<ErpnextConfig>({
  kind: 'erpnext',
  title: 'ERPNext',
  configSchema: erpnextConfigSchema,
  streams: erpnextStreams.map((stream) => stream.spec),
  check: checkErpnext,
  read: (ctx, stream, cursor) => readErpnextStream(ctx, createErpnextClient(ctx), stream, cursor),
  write: (ctx, stream, ops) => writeErpnextStream(ctx, createErpnextClient(ctx), stream, ops),
});
