import { type ChildProcess, spawn } from 'node:child_process';

export type WatchedChild = ChildProcess & {
  /** Resolves with stdout on exit 0, with `killed by <signal>` on a signal; rejects on another exit code. */
  output: Promise<string>;
  ready: Promise<void>;
};

/** Runs a TypeScript script in a child node process, resolving `ready` when it prints a line "ready". */
export function startChild(script: string, env: Record<string, string>): WatchedChild {
  const child = spawn('node', ['--import', 'tsx', script], {
    env: { ...process.env, LOG_LEVEL: 'error', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  child.stdout!.on('data', (chunk) => {
    stdout += chunk;
    if (/^ready$/m.test(stdout)) markReady();
  });
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const output = new Promise<string>((resolve, reject) => {
    child.on('exit', (code, signal) =>
      code === 0
        ? resolve(stdout)
        : signal
          ? resolve(`killed by ${signal}`)
          : reject(new Error(`${script} exited ${code}: ${stderr}`)),
    );
  });
  return Object.assign(child, { output, ready });
}

/** The database URL with the search path of the store's schema, for a child process to share it. */
export function withSearchPath(databaseUrl: string, schema: string): string {
  const parsed = new URL(databaseUrl);
  parsed.searchParams.set('options', `-c search_path=${schema}`);
  return parsed.toString();
}
