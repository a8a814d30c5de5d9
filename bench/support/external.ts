import { fileURLToPath } from 'node:url';
import { forkWithIpc } from './ipc-child.ts';

/** Starts the target and the webhook sender in their own process and talks to them over IPC. */
export async function startExternalSystems() {
  const script = fileURLToPath(new URL('./external-systems.ts', import.meta.url));
  const { ready, ask } = await forkWithIpc<{ url: string }>(script);
  return {
    targetUrl: ready.url,
    /** How many distinct records reached the target. */
    arrived: () => ask<number>({ type: 'arrived' }),
    /** Arrival times (epoch ms) of these records at the target. */
    arrivals: (hubIds: string[]) => ask<Record<string, number>>({ type: 'arrivals', hubIds }),
    /** Sends signed webhooks at a fixed rate; resolves with each record's send time (epoch ms). */
    sendWebhooks: (options: { url: string; secret: string; prefix: string; rate: number; seconds: number }) =>
      ask<{ sentAt: Record<string, number>; failed: number }>({ type: 'send-webhooks', ...options }),
    stop: () => ask<null>({ type: 'stop' }),
  };
}
