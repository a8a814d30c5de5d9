import { type ChildProcess, fork } from 'node:child_process';

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };

/**
 * A TypeScript module forked with an IPC channel: `ask` sends a command and resolves with the
 * child's reply to it (matched by id); the child's first message (id 0) says it is ready.
 */
export async function forkWithIpc<Ready>(script: string, env: NodeJS.ProcessEnv = process.env) {
  const child: ChildProcess = fork(script, [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env,
  });
  const pending = new Map<number, Pending>();
  let nextId = 1;
  const started = new Promise<Ready>((resolve, reject) => {
    pending.set(0, { resolve: (value) => resolve(value as Ready), reject });
  });
  child.on('message', (message: { id: number; value: unknown }) => {
    pending.get(message.id)?.resolve(message.value);
    pending.delete(message.id);
  });
  child.on('exit', (code) => {
    for (const waiting of pending.values()) waiting.reject(new Error(`${script} exited with ${code}`));
    pending.clear();
  });
  const ask = <T>(command: Record<string, unknown>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      child.send({ ...command, id });
    });
  return { ready: await started, ask };
}
