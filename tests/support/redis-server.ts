import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:net';

/** Whether a redis-server binary is on PATH (the machine's own Redis is never touched). */
export function hasRedisServer(): boolean {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** A private redis-server without persistence: a restart loses every key, as a crashed cache would. */
export interface PrivateRedis {
  url: string;
  start(): Promise<void>;
  kill(): Promise<void>;
}

export async function privateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  return {
    url: `redis://127.0.0.1:${port}`,
    async start() {
      const started = spawn(
        'redis-server',
        ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
        { stdio: ['ignore', 'pipe', 'ignore'] },
      );
      child = started;
      await new Promise<void>((resolve, reject) => {
        let out = '';
        started.stdout!.on('data', (chunk) => {
          out += chunk;
          if (/ready to accept connections/i.test(out)) resolve();
        });
        started.on('exit', (code) => reject(new Error(`redis-server exited ${code}: ${out}`)));
      });
    },
    async kill() {
      const running = child;
      child = undefined;
      if (!running || running.exitCode !== null) return;
      const exited = new Promise((resolve) => running.on('exit', resolve));
      running.kill('SIGKILL');
      await exited;
    },
  };
}
