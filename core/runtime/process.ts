import type { Server } from 'node:http';
import { createApp } from '../api/app.ts';
import { logger } from '../log/logger.ts';
import { registerQueueDepth } from '../log/metrics.ts';
import { queueDepth } from '../sync/queue-depth.ts';
import type { Hub } from './hub.ts';
import { startWorkers } from './worker.ts';

export interface RunningHub {
  hub: Hub;
  server?: Server;
  url?: string;
  stop(): Promise<void>;
}

export async function listen(hub: Hub, port: number): Promise<{ server: Server; url: string }> {
  registerQueueDepth(() => queueDepth(hub));
  const app = createApp(hub);
  const server = await new Promise<Server>((resolve, reject) => {
    const created = app.listen(port, () => resolve(created));
    created.on('error', reject);
  });
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  return { server, url: `http://localhost:${actualPort}` };
}

/** Starts the API and/or the workers in this process and returns a handle that stops them in order. */
export async function runHub(
  hub: Hub,
  options: { api: boolean; workers: boolean; port: number },
): Promise<RunningHub> {
  const workers = options.workers ? await startWorkers(hub) : undefined;
  const http = options.api ? await listen(hub, options.port) : undefined;
  if (http) logger.info('api listening', { url: http.url });
  return {
    hub,
    server: http?.server,
    url: http?.url,
    async stop() {
      if (http) await new Promise<void>((resolve) => http.server.close(() => resolve()));
      http?.server.closeAllConnections();
      await workers?.stop();
      await hub.close();
    },
  };
}

/** Ctrl-C or SIGTERM: stop taking work, finish what is in flight, exit within `graceMs`. */
export function stopOnSignals(running: Pick<RunningHub, 'stop'>, graceMs = 15_000): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    const timer = setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, graceMs);
    timer.unref();
    running.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error('shutdown failed', { error });
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}
