import { createBullmqQueue } from './bullmq-driver.ts';
import { createMemoryQueue } from './memory-driver.ts';
import type { QueuePort } from './port.ts';

export function openQueue(options: { redisUrl?: string; prefix?: string }): QueuePort {
  return options.redisUrl
    ? createBullmqQueue({ redisUrl: options.redisUrl, prefix: options.prefix })
    : createMemoryQueue();
}

export type {
  ConsumeOptions,
  Consumer,
  JobHandler,
  JobOptions,
  QueueCounts,
  QueueJob,
  QueuePort,
} from './port.ts';
export { decideRetry } from './retry-policy.ts';
