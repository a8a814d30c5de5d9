import { lookup as lookupWithCallback } from 'node:dns';
import { lookup } from 'node:dns/promises';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { HubError } from '../errors/index.ts';

const privateIPv4Subnets: Array<[string, number]> = [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12],
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
];

const privateIPv6Subnets: Array<[string, number]> = [
  ['::', 96], // unspecified, loopback and the deprecated IPv4-compatible form
  ['64:ff9b::', 96], // NAT64: reaches any IPv4 address, private ones included
  ['64:ff9b:1::', 48], // local-use NAT64
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
];

/**
 * Checks addresses by value: BlockList also matches IPv4-mapped IPv6 (::ffff:7f00:1) to IPv4 rules.
 * NAT64 and IPv4-compatible addresses are refused whole; 6to4 and Teredo by their embedded IPv4.
 */
const privateRanges = new BlockList();
for (const [network, prefix] of privateIPv4Subnets) privateRanges.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of privateIPv6Subnets) privateRanges.addSubnet(network, prefix, 'ipv6');

/** IPv6 transition prefixes that carry IPv4 addresses a relay forwards to (RFC 3056, RFC 4380). */
const sixToFour = new BlockList();
sixToFour.addSubnet('2002::', 16, 'ipv6');
const teredo = new BlockList();
teredo.addSubnet('2001::', 32, 'ipv6');

/** The eight 16-bit groups; the URL parser validates and normalizes first (a dotted quad becomes two groups). */
function ipv6Groups(address: string): number[] {
  const canonical = new URL(`http://[${address}]/`).hostname.slice(1, -1);
  const [head, tail] = canonical.split('::');
  const groups = (part: string | undefined) =>
    part ? part.split(':').map((group) => Number.parseInt(group, 16)) : [];
  const left = groups(head);
  const right = groups(tail);
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}

function ipv4Of(high: number, low: number): string {
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
}

/** 6to4: the IPv4 in bits 16-47. Teredo: the server in bits 32-63, the client inverted in the last 32. */
function embeddedIPv4(address: string): string[] {
  if (sixToFour.check(address, 'ipv6')) {
    const groups = ipv6Groups(address);
    return [ipv4Of(groups[1], groups[2])];
  }
  if (teredo.check(address, 'ipv6')) {
    const groups = ipv6Groups(address);
    return [ipv4Of(groups[2], groups[3]), ipv4Of(groups[6] ^ 0xffff, groups[7] ^ 0xffff)];
  }
  return [];
}

export function isPrivateAddress(address: string): boolean {
  const withoutZone = address.replace(/%.*$/, '');
  const version = isIP(withoutZone);
  if (version === 0) return false;
  if (version === 4) return privateRanges.check(withoutZone, 'ipv4');
  return (
    privateRanges.check(withoutZone, 'ipv6') ||
    embeddedIPv4(withoutZone).some((ipv4) => privateRanges.check(ipv4, 'ipv4'))
  );
}

function privateNetworkRefused(url: string, address: string): HubError {
  return new HubError(
    'config',
    'private_network_refused',
    `${url} resolves to a private or loopback address (${address}); enable "allow private network" on the connection to call it`,
    { fieldPath: 'baseUrl' },
  );
}

/**
 * The checks that need no DNS: the protocol and address literals. Returns the host when it is a
 * name still to be resolved.
 */
function assertPublicTarget(url: string): string | undefined {
  const { hostname, protocol } = new URL(url);
  if (protocol !== 'https:' && protocol !== 'http:') {
    throw new HubError('config', 'unsupported_protocol', `${url}: only http and https are allowed`);
  }
  const host = hostname.replace(/^\[|\]$/g, '');
  if (isPrivateAddress(host)) throw privateNetworkRefused(url, host);
  return isIP(host) ? undefined : host;
}

/**
 * Server-side request forgery guard: refuses URLs that resolve to loopback, link-local or
 * private ranges unless the connection explicitly allows private networks.
 */
export async function assertPublicUrl(url: string, allowPrivateNetwork = false): Promise<void> {
  if (allowPrivateNetwork) return;
  const name = assertPublicTarget(url);
  if (name === undefined) return;
  const addresses = (await lookup(name, { all: true })).map((entry) => entry.address);
  const blocked = addresses.find(isPrivateAddress);
  if (blocked || name === 'localhost') throw privateNetworkRefused(url, blocked ?? name);
}

/**
 * For follow-redirects' synchronous `beforeRedirect`: refuses a hop to a private address literal.
 * A hop to a name is checked when it connects, by {@link publicAddressLookup}.
 */
export function assertPublicRedirect(url: string): void {
  assertPublicTarget(url);
}

/**
 * A `lookup` for sockets that fails the connection when the name resolves to a private address,
 * so the address actually connected to is checked (redirect targets, DNS rebinding).
 */
export const publicAddressLookup: LookupFunction = (hostname, options, callback) => {
  lookupWithCallback(hostname, options, (error, address, family) => {
    if (error) return callback(error, address, family);
    const addresses = typeof address === 'string' ? [address] : address.map((entry) => entry.address);
    const blocked = addresses.find(isPrivateAddress);
    if (blocked) return callback(privateNetworkRefused(hostname, blocked), address, family);
    callback(null, address, family);
  });
};
