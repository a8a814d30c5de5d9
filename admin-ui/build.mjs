#!/usr/bin/env node
// Builds admin-ui/dist with Vite. `--if-stale` skips the build when dist is newer than every source
// (so `npm start` and `npm run demo` stay quick after the first time).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
const built = join(root, 'dist', 'index.html');

function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))));
}

const sources = [
  join(root, 'src'),
  join(root, 'index.html'),
  join(root, 'vite.config.ts'),
  join(root, '..', 'core', 'toc', 'examples'),
];
if (
  process.argv.includes('--if-stale') &&
  existsSync(built) &&
  statSync(built).mtimeMs >= Math.max(...sources.map(newest))
) {
  process.exit(0);
}
const { build } = await import('vite');
console.log('Building the admin UI into admin-ui/dist …');
await build({ configFile: join(root, 'vite.config.ts'), logLevel: 'warn' });
