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
