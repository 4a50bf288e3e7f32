import { checkCalendarUrl, isPrivateAddress, publicLookup } from './url-guard';
import { SourceFailure } from './source';

const reason = async (run: Promise<unknown>) => {
  try {
    await run;
    return 'none';
  } catch (error) {
    if (error instanceof SourceFailure) return error.reason;
    throw error;
  }
};

describe('checkCalendarUrl', () => {
  it('refuses loopback, private, link-local and mapped addresses unless private hosts are allowed', async () => {
    for (const url of ['http://127.0.0.1:8080/a.ics', 'http://10.1.2.3/a.ics', 'http://192.168.1.1/a.ics', 'http://169.254.169.254/latest', 'http://[::1]/a.ics', 'http://[::ffff:127.0.0.1]/a.ics', 'http://[fd00::1]/a.ics', 'http://localhost/a.ics']) {
      expect([url, await reason(checkCalendarUrl(url, false))]).toEqual([url, 'refused']);
    }
    expect((await checkCalendarUrl('http://127.0.0.1:8080/a.ics', true)).href).toBe('http://127.0.0.1:8080/a.ics');
  });

  it('accepts a public address, reads webcal as https and refuses other schemes', async () => {
    expect((await checkCalendarUrl('https://93.184.215.14/cal.ics', false)).href).toBe('https://93.184.215.14/cal.ics');
    expect((await checkCalendarUrl('webcal://93.184.215.14/cal.ics', false)).href).toBe('https://93.184.215.14/cal.ics');
    expect(await reason(checkCalendarUrl('ftp://93.184.215.14/cal.ics', true))).toBe('refused');
    expect(await reason(checkCalendarUrl('file:///etc/passwd', true))).toBe('refused');
    expect(await reason(checkCalendarUrl('not a url', true))).toBe('refused');
  });

  it('tells private addresses from public ones', () => {
    expect(['127.0.0.1', '172.16.5.4', '100.64.0.1', '::', 'fe80::1', '::ffff:10.0.0.1'].map(isPrivateAddress)).toEqual([true, true, true, true, true, true]);
    expect(['8.8.8.8', '2001:4860:4860::8888', '::ffff:8.8.8.8'].map(isPrivateAddress)).toEqual([false, false, false]);
  });

  it('reads the IPv4 address an IPv6 one carries to a gateway (NAT64, 6to4, SIIT, IPv4-compatible), and refuses it when private', async () => {
    const carried = ['64:ff9b::7f00:1', '64:ff9b::a9fe:a9fe', '64:ff9b::10.0.0.1', '2002:a9fe:a9fe::1', '2002:c0a8:101::', '::ffff:0:7f00:1', '::7f00:1', '::ffff:7f00:1'];
    expect(carried.filter((address) => !isPrivateAddress(address))).toEqual([]);
    expect(['64:ff9b::808:808', '2002:808:808::1', '::ffff:808:808'].map(isPrivateAddress)).toEqual([false, false, false]);
    expect(['64:ff9b:1::a00:1', '2001:0:4136:e378::1', '2001:db8::1', '100::1'].map(isPrivateAddress)).toEqual([true, true, true, true]);
    for (const url of ['http://[64:ff9b::169.254.169.254]/latest', 'http://[::127.0.0.1]/a.ics', 'http://[::ffff:0:127.0.0.1]/a.ics', 'http://[2002:7f00:1::]/a.ics']) {
      expect([url, await reason(checkCalendarUrl(url, false))]).toEqual([url, 'refused']);
    }
  });

  it('refuses at connect time a name that resolves to a private address, unless private hosts are allowed', async () => {
    const resolve = (allow: boolean) =>
      new Promise<{ code?: string; address: unknown }>((done) => publicLookup(allow)('localhost', { all: false }, (error, address) => done({ code: (error as NodeJS.ErrnoException | null)?.code, address })));
    expect(await resolve(false)).toEqual({ code: 'EPRIVATE', address: '' });
    expect(['127.0.0.1', '::1']).toContain((await resolve(true)).address);
  });
});
