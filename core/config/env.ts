import { z } from 'zod';

const optionalUrl = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .pipe(z.string().url().optional())
  .optional();

export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HUB_DATA_DIR: z.string().default('./.hub-data'),
  DATABASE_URL: optionalUrl,
  REDIS_URL: optionalUrl,
  /** 32 bytes as 64 hex characters or base64; embedded mode generates one into the data folder. */
  HUB_MASTER_KEY: z.string().optional(),
  /** How long a record may wait for a referenced record before it lands in failed_syncs. */
  HUB_PENDING_REF_TIMEOUT_MS: z.coerce.number().int().positive().default(3_600_000),
  /** Key prefix of every queue; wrap it in braces ({thub}) on Redis Cluster so a queue's keys share a slot. */
  HUB_QUEUE_PREFIX: z.string().min(1).default('thub'),
  /** A stream's run lease; a crashed worker blocks its stream at most this long. */
  HUB_STREAM_LEASE_MS: z.coerce.number().int().min(1000).default(30_000),
  LOG_LEVEL: z.enum(['error', 'warn', 'info', 'http', 'debug', 'silent']).default('info'),
  CI: z
    .string()
    .optional()
    .transform((value) => value === 'true' || value === '1'),
});

export type HubEnv = z.infer<typeof envSchema>;

/** Parsed once; a bad value stops start-up with every problem listed. */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): HubEnv {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid environment:\n${problems.join('\n')}`);
  }
  return result.data;
}
