import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };

/** Starts the target and the webhook sender in their own process and talks to them over IPC. */
export async function startExternalSystems() {
  const script = fileURLToPath(new URL('./external-systems.ts', import.meta.url));
  const child = fork(script, [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, Pending>();
  let nextId = 1;
  const started = new Promise<{ url: string }>((resolve, reject) => {
    pending.set(0, { resolve: (value) => resolve(value as { url: string }), reject });
  });
  child.on('message', (message: { id: number; value: unknown }) => {
    pending.get(message.id)?.resolve(message.value);
    pending.delete(message.id);
  });
  child.on('exit', (code) => {
    for (const waiting of pending.values()) waiting.reject(new Error(`external systems exited with ${code}`));
    pending.clear();
  });
  const ask = <T>(command: Record<string, unknown>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      child.send({ ...command, id });
    });
  const { url } = await started;
  return {
    targetUrl: url,
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
