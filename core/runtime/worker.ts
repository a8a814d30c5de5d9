import { startFlowServices } from '../flow/service.ts';
import { logger } from '../log/logger.ts';
import { startOutboxRelay } from '../queue/outbox-relay.ts';
import { startSyncServices } from '../sync/service.ts';
import type { Hub } from './hub.ts';

export interface WorkerService {
  name: string;
  /** Called on every service as shutdown begins, before any stops: long work ends early and records where it got. */
  interrupt?(): void;
  stop(): Promise<void>;
}

type ServiceStarter = (hub: Hub) => Promise<WorkerService> | WorkerService;

const starters: ServiceStarter[] = [
  (hub) => {
    const relay = startOutboxRelay(hub.store.db, hub.queue);
    return { name: 'outbox-relay', stop: relay.stop };
  },
  startSyncServices,
  startFlowServices,
];

/** Lets each capability (sync, flows, schedules) plug its consumers into every worker process. */
export function registerWorkerService(starter: ServiceStarter): void {
  starters.push(starter);
}

export async function startWorkers(hub: Hub): Promise<{ stop(): Promise<void> }> {
  const services: WorkerService[] = [];
  for (const start of starters) services.push(await start(hub));
  logger.info('workers started', { services: services.map((service) => service.name) });
  return {
    async stop() {
      for (const service of services) service.interrupt?.();
      // Reverse order: stop taking new work before the things that feed it.
      for (const service of services.reverse()) {
        await service
          .stop()
          .catch((error: unknown) =>
            logger.warn('worker service failed to stop cleanly', { service: service.name, error }),
          );
      }
    },
  };
}
