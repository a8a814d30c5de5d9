import { describe, expect, it } from 'vitest';
import { assertPublicUrl, isPrivateAddress } from './network-guard.ts';

describe('isPrivateAddress', () => {
  it.each([
    '127.0.0.1',
    '10.0.0.1',
    '172.16.5.4',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '::',
    '::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:a9fe:a9fe',
    '0:0:0:0:0:ffff:a00:1',
    '64:ff9b::7f00:1',
    'fc00::1',
    'fd12:3456::1',
    'fe80::1',
    'fe80::1%eth0',
    'fec0::1',
    'ff02::1',
  ])('refuses %s', (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each(['93.184.216.34', '8.8.8.8', '::ffff:808:808', '2606:4700:4700::1111', 'example.com'])(
    'lets %s through',
    (address) => {
      expect(isPrivateAddress(address)).toBe(false);
    },
  );

  // 6to4 carries an IPv4 address in bits 16-47; Teredo its server in bits 32-63 and its client,
  // inverted, in the last 32 bits. A relay would forward to that IPv4 address.
  it.each([
    ['2002:7f00:1::', '6to4 of 127.0.0.1'],
    ['2002:a00:1::1', '6to4 of 10.0.0.1'],
    ['2002:a9fe:a9fe::', '6to4 of 169.254.169.254'],
    ['2002:c0a8:101:0:0:0:0:1', '6to4 of 192.168.1.1'],
    ['2001:0:4136:e378:8000:63bf:80ff:fffe', 'Teredo client 127.0.0.1'],
    ['2001::4136:e378:8000:63bf:5601:5601', 'Teredo client 169.254.169.254'],
    ['2001:0000:4136:e378:8000:63bf:3f57:fefe', 'Teredo client 192.168.1.1'],
    ['2001:0:a00:1:8000:63bf:f7f7:f7f7', 'Teredo server 10.0.0.1'],
    ['64:ff9b::a9fe:a9fe', 'NAT64 of 169.254.169.254'],
    ['::10.0.0.1', 'IPv4-compatible 10.0.0.1'],
  ])('refuses %s (%s)', (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each([
    ['2002:808:808::1', '6to4 of 8.8.8.8'],
    ['2001:0:4136:e378:8000:63bf:f7f7:f7f7', 'Teredo server 65.54.227.120, client 8.8.8.8'],
    ['2001:db8::1', 'documentation prefix, not Teredo'],
  ])('lets %s through (%s)', (address) => {
    expect(isPrivateAddress(address)).toBe(false);
  });
});

describe('assertPublicUrl', () => {
  // Node's URL parser turns [::ffff:127.0.0.1] into [::ffff:7f00:1]: the guard must read the value.
  it.each([
    'http://[::ffff:127.0.0.1]/',
    'http://[::ffff:7f00:1]/',
    'http://[::ffff:a9fe:a9fe]/latest/meta-data',
    'http://[::ffff:a00:1]/',
    'http://[0:0:0:0:0:ffff:7f00:1]/',
    'http://[::127.0.0.1]/',
    'http://[fe80::1]/',
    'http://[2002:a9fe:a9fe::]/latest/meta-data',
    'http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/',
  ])('refuses the IPv6 form %s', async (url) => {
    await expect(assertPublicUrl(url)).rejects.toMatchObject({
      kind: 'config',
      code: 'private_network_refused',
    });
  });

  it('lets a public address literal through', async () => {
    await expect(assertPublicUrl('https://[::ffff:5db8:d822]/')).resolves.toBeUndefined();
  });

  it('lets anything through when the connection allows private networks', async () => {
    await expect(assertPublicUrl('http://[::ffff:7f00:1]/', true)).resolves.toBeUndefined();
  });
});
