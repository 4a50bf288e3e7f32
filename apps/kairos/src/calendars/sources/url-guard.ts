import { lookup } from 'node:dns/promises';
import { BlockList, isIP, LookupFunction } from 'node:net';
import { SourceFailure } from './source';

/** Addresses a calendar URL may not reach unless private hosts are allowed: this host, its network, link-local (cloud metadata), multicast, reserved. */
const privateRanges = (() => {
  const list = new BlockList();
  for (const [network, prefix] of [
    ['0.0.0.0', 8],
    ['10.0.0.0', 8],
    ['100.64.0.0', 10],
    ['127.0.0.0', 8],
    ['169.254.0.0', 16],
    ['172.16.0.0', 12],
    ['192.0.0.0', 24],
    ['192.168.0.0', 16],
    ['198.18.0.0', 15],
    ['224.0.0.0', 4],
    ['240.0.0.0', 4],
  ] as const)
    list.addSubnet(network, prefix, 'ipv4');
  for (const [network, prefix] of [
    ['::', 128],
    ['::1', 128],
    ['fc00::', 7],
    ['fe80::', 10],
    ['ff00::', 8],
  ] as const)
    list.addSubnet(network, prefix, 'ipv6');
  return list;
})();

/** Whether an address is one a calendar URL may not reach; an IPv4 address mapped into IPv6 (::ffff:127.0.0.1) counts as the IPv4 one. */
export const isPrivateAddress = (address: string): boolean => {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return privateRanges.check(mapped[1], 'ipv4');
  const family = isIP(address);
  if (family === 4) return privateRanges.check(address, 'ipv4');
  if (family === 6) return privateRanges.check(address, 'ipv6');
  return true;
};

const hostOf = (url: URL) => url.hostname.replace(/^\[|\]$/g, '');

/**
 * The URL a calendar may be read from: http or https (webcal is https, as calendar apps mean it),
 * and, unless private hosts are allowed, a host whose every address is public. Checked again at
 * every redirect; `publicLookup` checks the address actually connected to, so a name that resolves
 * publicly here and privately a moment later still cannot reach inside.
 */
export const checkCalendarUrl = async (url: string, allowPrivateHosts: boolean): Promise<URL> => {
  const text = url.trim().replace(/^webcals?:\/\//i, 'https://');
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw new SourceFailure('refused', 'the calendar URL is not a URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new SourceFailure('refused', `the calendar URL must be http or https, not ${parsed.protocol.replace(/:$/, '')}`);
  if (allowPrivateHosts) return parsed;
  const host = hostOf(parsed);
  let addresses: string[];
  if (isIP(host)) addresses = [host];
  else {
    try {
      addresses = (await lookup(host, { all: true, verbatim: true })).map((entry) => entry.address);
    } catch (error) {
      throw new SourceFailure('unreachable', `the calendar host ${host} does not resolve: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  }
  if (addresses.length === 0 || addresses.some(isPrivateAddress)) throw new SourceFailure('refused', `the calendar host ${host} is a private address`);
  return parsed;
};

/** A `lookup` for node:http(s) that refuses private addresses at connect time (DNS rebinding), unless they are allowed. */
export const publicLookup =
  (allowPrivateHosts: boolean): LookupFunction =>
  (hostname, options, callback) => {
    lookup(hostname, { all: true, verbatim: true }).then(
      (entries) => {
        const allowed = allowPrivateHosts ? entries : entries.filter((entry) => !isPrivateAddress(entry.address));
        if (allowed.length === 0) {
          const error: NodeJS.ErrnoException = new Error(`the calendar host ${hostname} is a private address`);
          error.code = 'EPRIVATE';
          callback(error, '', 0);
        } else if (options.all) callback(null, allowed);
        else callback(null, allowed[0].address, allowed[0].family);
      },
      (error: NodeJS.ErrnoException) => callback(error, '', 0),
    );
  };
