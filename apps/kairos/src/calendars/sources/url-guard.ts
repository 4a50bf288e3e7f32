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
    // Local-use NAT64 (its IPv4 address may sit anywhere in it), Teredo (its IPv4 address obfuscated), discard, documentation.
    ['64:ff9b:1::', 48],
    ['2001::', 32],
    ['100::', 64],
    ['2001:db8::', 32],
    ['fc00::', 7],
    ['fe80::', 10],
    ['ff00::', 8],
  ] as const)
    list.addSubnet(network, prefix, 'ipv6');
  return list;
})();

/** The eight 16-bit groups of an IPv6 address, a dotted IPv4 tail (::ffff:127.0.0.1) read as its last two. */
const groupsOf = (address: string): number[] => {
  let text = address.replace(/%.*$/, '');
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number);
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const groups = (part: string) => (part === '' ? [] : part.split(':').map((group) => parseInt(group, 16)));
  if (tail === undefined) return groups(head);
  const front = groups(head);
  const back = groups(tail);
  return [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back];
};

const dottedOf = (high: number, low: number) => `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;

/**
 * The IPv4 address an IPv6 address leads to, where one is carried in it: IPv4-mapped (::ffff:a.b.c.d),
 * IPv4-compatible (::a.b.c.d), SIIT (::ffff:0:a.b.c.d), NAT64 (64:ff9b::a.b.c.d) and 6to4
 * (2002:aabb:ccdd::). A gateway turns these into connections to that IPv4 address, private or not.
 */
const embeddedIpv4 = (groups: number[]): string | null => {
  const zero = (from: number, to: number) => groups.slice(from, to).every((group) => group === 0);
  if (zero(0, 5) && (groups[5] === 0 || groups[5] === 0xffff)) return dottedOf(groups[6], groups[7]);
  if (zero(0, 4) && groups[4] === 0xffff && groups[5] === 0) return dottedOf(groups[6], groups[7]);
  if (groups[0] === 0x64 && groups[1] === 0xff9b && zero(2, 6)) return dottedOf(groups[6], groups[7]);
  if (groups[0] === 0x2002) return dottedOf(groups[1], groups[2]);
  return null;
};

/** Whether an address is one a calendar URL may not reach; an IPv6 address carrying an IPv4 one (::ffff:127.0.0.1, 64:ff9b::10.0.0.1) counts as that IPv4 one. */
export const isPrivateAddress = (address: string): boolean => {
  const family = isIP(address);
  if (family === 4) return privateRanges.check(address, 'ipv4');
  if (family !== 6) return true;
  const ipv4 = embeddedIpv4(groupsOf(address));
  if (ipv4 !== null && privateRanges.check(ipv4, 'ipv4')) return true;
  return privateRanges.check(address.replace(/%.*$/, ''), 'ipv6');
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
