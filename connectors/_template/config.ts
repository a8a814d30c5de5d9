import { z } from 'zod';
import { secret } from '../../core/connector/define.ts';

/** Every field the connection form asks for; secret() fields are encrypted and never shown again. */
export const templateConfigSchema = z.object({
  baseUrl: z.url().default('https://api.vendor.example'),
  apiKey: secret(),
  pageSize: z.number().int().min(1).max(500).default(100),
});

export type TemplateConfig = z.output<typeof templateConfigSchema>;
