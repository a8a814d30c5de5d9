// npm ci refuses a lock file that lacks the optional per-platform binaries of a dependency when the
// registry it resolves against does not serve them. This records each missing one as an optional,
// platform-restricted entry, which npm ci then skips on every other platform.
// Usage: node .ci/complete-lockfile.mjs package-lock.json (after every npm install).
import { readFileSync, writeFileSync } from 'node:fs';

const file = process.argv[2];
const lock = JSON.parse(readFileSync(file, 'utf8'));
const pkgs = lock.packages;
const platform = (name) => {
  const n = name.split('/').pop();
  const os = /android/.test(n)
    ? 'android'
    : /darwin/.test(n)
      ? 'darwin'
      : /win32/.test(n)
        ? 'win32'
        : /linux/.test(n)
          ? 'linux'
          : /freebsd/.test(n)
            ? 'freebsd'
            : undefined;
  const cpu = /arm64/.test(n) ? 'arm64' : /x64/.test(n) ? 'x64' : /arm/.test(n) ? 'arm' : undefined;
  const libc = /musl/.test(n) ? 'musl' : undefined;
  return { os, cpu, libc };
};
let added = 0;
for (const meta of Object.values(pkgs)) {
  for (const [dep, range] of Object.entries(meta.optionalDependencies ?? {})) {
    const key = `node_modules/${dep}`;
    if (pkgs[key]) continue;
    const { os, cpu, libc } = platform(dep);
    if (!os) continue;
    pkgs[key] = {
      version: range.replace(/^[\^~=]/, ''),
      optional: true,
      ...(os ? { os: [os] } : {}),
      ...(cpu ? { cpu: [cpu] } : {}),
      ...(libc ? { libc: [libc] } : {}),
    };
    if (meta.dev) pkgs[key].dev = true;
    added++;
  }
}
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`added ${added}`);
