import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { HubError } from '../errors/index.ts';

function isPrivateIPv4(address: string): boolean {
  const [a, b] = address.split('.').map(Number);
  return (
    a === 10 ||
    a === 127 ||
    a === 0 ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 100 && b >= 64 && b <= 127)
  );
}

function isPrivateIPv6(address: string): boolean {
  const lower = address.toLowerCase();
  if (lower === '::1' || lower === '::') return true;
  if (lower.startsWith('::ffff:')) return isPrivateIPv4(lower.slice(7));
  return lower.startsWith('fc') || lower.startsWith('fd') || lower.startsWith('fe80');
}

export function isPrivateAddress(address: string): boolean {
  const version = isIP(address);
  if (version === 4) return isPrivateIPv4(address);
  if (version === 6) return isPrivateIPv6(address);
  return false;
}

/**
 * Server-side request forgery guard: refuses URLs that resolve to loopback, link-local or
 * private ranges unless the connection explicitly allows private networks.
 */
export async function assertPublicUrl(url: string, allowPrivateNetwork = false): Promise<void> {
  if (allowPrivateNetwork) return;
  const { hostname, protocol } = new URL(url);
  if (protocol !== 'https:' && protocol !== 'http:') {
    throw new HubError('config', 'unsupported_protocol', `${url}: only http and https are allowed`);
  }
  const host = hostname.replace(/^\[|\]$/g, '');
  const addresses = isIP(host) ? [host] : (await lookup(host, { all: true })).map((entry) => entry.address);
  const blocked = addresses.find(isPrivateAddress);
  if (blocked || host === 'localhost') {
    throw new HubError(
      'config',
      'private_network_refused',
      `${url} resolves to a private or loopback address (${blocked ?? host}); enable "allow private network" on the connection to call it`,
      { fieldPath: 'baseUrl' },
    );
  }
}
