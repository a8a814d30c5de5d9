import type { LookupAddress } from 'node:dns';

/** Names the tests resolve; the SSRF guard sees these addresses instead of real DNS answers. */
export const hosts: Record<string, LookupAddress[]> = {
  'api.supplier.example': [{ address: '93.184.215.14', family: 4 }],
  'auth.supplier.example': [{ address: '93.184.215.15', family: 4 }],
  'cdn.supplier.example': [{ address: '93.184.215.16', family: 4 }],
  localhost: [
    { address: '127.0.0.1', family: 4 },
    { address: '::1', family: 6 },
  ],
  'internal.supplier.example': [{ address: '127.0.0.1', family: 4 }],
  'mixed.supplier.example': [
    { address: '93.184.215.17', family: 4 },
    { address: '::1', family: 6 },
  ],
};

export async function lookup(hostname: string, options?: { all?: boolean }) {
  const found = hosts[hostname];
  if (!found)
    throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname });
  return options?.all ? found : found[0];
}

export const fakeDns = { lookup, default: { lookup } };
