import { z } from 'zod';
import { secret } from '../../core/connector/index.ts';

const fieldName = z
  .string()
  .regex(/^[a-z_][a-z0-9_]*$/, 'expected a Frappe field name such as customer_name');

export const erpnextStreamOptionsSchema = z.strictObject({
  /** The field looked up before a create so that a retried create never duplicates. */
  matchField: fieldName.optional(),
});

export const erpnextConfigSchema = z.strictObject({
  /** The site root, e.g. https://erp.example.com (the connector calls <url>/api/...). */
  url: z.url(),
  /** API key and secret of the integration user (User → Settings → API Access). */
  apiKey: z.string().min(1),
  apiSecret: secret(),
  /**
   * Documents per list call (limit_page_length).
   * @defaultValue 100
   */
  pageSize: z.number().int().min(1).max(1000).default(100),
  /** @defaultValue 60000 */
  timeoutMs: z.number().int().min(1).default(60_000),
  streams: z.record(z.string(), erpnextStreamOptionsSchema).default({}),
});

export type ErpnextConfig = z.output<typeof erpnextConfigSchema>;
