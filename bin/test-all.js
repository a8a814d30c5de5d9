#!/usr/bin/env node
// `npm test`: the whole suite against the embedded drivers, and against PostgreSQL and Redis
// too when DATABASE_URL / REDIS_URL are set. In CI, services that are missing or unreachable
// are a failure, never a silent skip.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';

const ci = process.env.CI === 'true' || process.env.CI === '1';

function reachable(url) {
  return new Promise((resolve) => {
    const { hostname, port } = new URL(url);
    const socket = net.connect({
      host: hostname,
      port: Number(port) || (url.startsWith('redis') ? 6379 : 5432),
    });
    socket.setTimeout(3000);
    socket.on('connect', () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
    socket.on('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

const stores = ['pglite'];
const queues = ['memory'];
for (const [name, variable, list, driver] of [
  ['PostgreSQL', 'DATABASE_URL', stores, 'postgres'],
  ['Redis', 'REDIS_URL', queues, 'bullmq'],
]) {
  const url = process.env[variable];
  if (!url) {
    if (ci) {
      console.error(`CI: ${variable} is not set; the ${name} suites must run in CI.`);
      process.exit(1);
    }
    continue;
  }
  if (!(await reachable(url))) {
    console.error(`${variable} is set but ${name} at ${new URL(url).host} is not reachable.`);
    process.exit(1);
  }
  list.push(driver);
}

console.log(`Drivers under test: store = ${stores.join(' + ')}; queue = ${queues.join(' + ')}`);
const result = spawnSync('npx', ['vitest', 'run', ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: process.env,
});
console.log(`Drivers that ran: store = ${stores.join(' + ')}; queue = ${queues.join(' + ')}`);

// Browser tests drive Debian's chromium; outside CI a machine without it skips them, saying so.
let e2eStatus = 0;
if (process.argv.length <= 2) {
  if (existsSync('/usr/bin/chromium')) {
    e2eStatus =
      spawnSync('npx', ['vitest', 'run', '--config', 'tests/e2e/vitest.config.ts'], {
        stdio: 'inherit',
        env: process.env,
      }).status ?? 1;
  } else if (ci) {
    console.error('CI: /usr/bin/chromium is missing; the browser tests (tests/e2e) must run in CI.');
    e2eStatus = 1;
  } else {
    console.log('Browser tests skipped: /usr/bin/chromium is not installed (apt-get install chromium).');
  }
}
process.exit((result.status ?? 1) || e2eStatus);
