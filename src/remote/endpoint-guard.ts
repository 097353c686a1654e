// The SSRF guard on caller-supplied destinations (FetchAndWriteNeedle's remote endpoint and
// replica targets), as upstream applies it unless -volume.allowUntrustedRemoteEndpoints: loopback,
// link-local (cloud metadata), unspecified and interface-local addresses are never dialed; private
// and CGNAT ranges are refused for remote endpoints but allowed for replica peers, which live on
// cluster networks. Addresses are checked up front and again at connect time (DNS rebinding).
import dns from 'node:dns';
import net from 'node:net';

const RESOLVE_TIMEOUT_MS = 2_000;

/** Names that reach an instance metadata service however they resolve. */
const BLOCKED_METADATA_HOSTS = new Set(['metadata.google.internal', 'metadata']);

export class EndpointRejected extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EndpointRejected';
  }
}

/** 16 bytes of an IPv6 text form (dotted IPv4 tail allowed), or null. */
function ipv6Bytes(text: string): Uint8Array | null {
  let s = text;
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  const lastColon = s.lastIndexOf(':');
  if (s.slice(lastColon + 1).includes('.')) {
    // A dotted IPv4 tail is the last two groups.
    const v4 = ipv4Bytes(s.slice(lastColon + 1));
    if (v4 === null) return null;
    s = `${s.slice(0, lastColon + 1)}${((v4[0]! << 8) | v4[1]!).toString(16)}:${((v4[2]! << 8) | v4[3]!).toString(16)}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const parse = (part: string): number[] | null => {
    if (part === '') return [];
    const groups = part.split(':').map((g) => (/^[0-9a-f]{1,4}$/i.test(g) ? parseInt(g, 16) : NaN));
    return groups.some(Number.isNaN) ? null : groups;
  };
  const head = parse(halves[0]!);
  const rest = halves.length === 2 ? parse(halves[1]!) : [];
  if (head === null || rest === null) return null;
  const total = head.length + rest.length;
  if (halves.length === 1 ? total !== 8 : total > 7) return null;
  const groups = [...head, ...new Array<number>(8 - total).fill(0), ...rest];
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    out[i * 2] = g >> 8;
    out[i * 2 + 1] = g & 0xff;
  });
  return out;
}

function ipv4Bytes(text: string): Uint8Array | null {
  if (!net.isIPv4(text)) return null;
  return Uint8Array.from(text.split('.').map(Number));
}

function v4Text(b: ArrayLike<number>, at: number, xor = 0): string {
  return [b[at]! ^ xor, b[at + 1]! ^ xor, b[at + 2]! ^ xor, b[at + 3]! ^ xor].join('.');
}

const allZero = (b: Uint8Array, from: number, to: number): boolean => b.subarray(from, to).every((x) => x === 0);

/** Why an IPv4 address must not be dialed, or null. */
function ipv4Block(b: Uint8Array, allowPrivate: boolean): string | null {
  const [a, c] = [b[0]!, b[1]!];
  if (a === 169 && c === 254 && b[2] === 169 && b[3] === 254) return 'instance metadata service';
  if (a === 127) return 'loopback address';
  if (b.every((x) => x === 0)) return 'unspecified address';
  if (a === 169 && c === 254) return 'link-local address';
  if (a === 224 && c === 0 && b[2] === 0) return 'link-local address';
  if (!allowPrivate) {
    if (a === 10 || (a === 172 && (c & 0xf0) === 16) || (a === 192 && c === 168)) return 'private address';
    if (a === 100 && (c & 0xc0) === 64) return 'CGNAT address';
  }
  return null;
}

/** Why an address must not be dialed (upstream's checkBlockedIPPolicy), or null when it may be. */
export function blockedAddressReason(address: string, allowPrivate: boolean): string | null {
  const v4 = ipv4Bytes(address);
  if (v4 !== null) return ipv4Block(v4, allowPrivate);
  const b = ipv6Bytes(address);
  if (b === null) return null;
  // IPv4-mapped ::ffff:a.b.c.d is that IPv4 address.
  if (allZero(b, 0, 10) && b[10] === 0xff && b[11] === 0xff) return ipv4Block(b.subarray(12), allowPrivate);
  if (allZero(b, 0, 15) && b[15] === 1) return 'loopback address';
  if (allZero(b, 0, 16)) return 'unspecified address';
  if (b[0] === 0xfe && (b[1]! & 0xc0) === 0x80) return 'link-local address';
  if (b[0] === 0xff && (b[1]! & 0x0f) === 0x02) return 'link-local address';
  if (b[0] === 0xff && (b[1]! & 0x0f) === 0x01) return 'interface-local address';
  if (!allowPrivate && (b[0]! & 0xfe) === 0xfc) return 'private address';
  // Transition forms carry an IPv4 destination that a relay reaches: check that one too.
  let embedded: string | null = null;
  if (b[0] === 0x00 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && allZero(b, 4, 12)) embedded = v4Text(b, 12);
  else if (b[0] === 0x20 && b[1] === 0x02) embedded = v4Text(b, 2);
  else if (b[0] === 0x20 && b[1] === 0x01 && b[2] === 0 && b[3] === 0) embedded = v4Text(b, 12, 0xff);
  else if (allZero(b, 0, 12)) embedded = v4Text(b, 12);
  return embedded === null ? null : blockedAddressReason(embedded, allowPrivate);
}

function check(target: string, address: string, allowPrivate: boolean, noun: string): void {
  const reason = blockedAddressReason(address, allowPrivate);
  if (reason === null) return;
  const verb = reason === 'instance metadata service' ? 'targets' : 'resolves to';
  throw new EndpointRejected(`${noun} "${target}" ${verb} ${reason} ${address}`);
}

async function resolveAll(host: string): Promise<string[]> {
  const lookup = dns.promises.lookup(host, { all: true, verbatim: true });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), RESOLVE_TIMEOUT_MS);
  });
  try {
    return (await Promise.race([lookup, timeout])).map((a) => a.address);
  } finally {
    clearTimeout(timer);
  }
}

function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** Upstream's validateRemoteEndpoint: an http(s) URL whose host is public. */
export async function validateRemoteEndpoint(endpoint: string): Promise<void> {
  if (endpoint.trim() === '') throw new EndpointRejected('remote endpoint is empty');
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch (err) {
    throw new EndpointRejected(`parse remote endpoint "${endpoint}": ${(err as Error).message}`);
  }
  const scheme = url.protocol.replace(/:$/, '');
  if (scheme !== 'http' && scheme !== 'https')
    throw new EndpointRejected(`remote endpoint "${endpoint}" must use http or https, got "${scheme}"`);
  const host = stripBrackets(url.hostname);
  if (host === '') throw new EndpointRejected(`remote endpoint "${endpoint}" has no host`);
  if (BLOCKED_METADATA_HOSTS.has(host.toLowerCase()))
    throw new EndpointRejected(`remote endpoint "${endpoint}" targets instance metadata service`);
  if (net.isIP(host) !== 0) return check(endpoint, host, false, 'remote endpoint');
  let addresses: string[];
  try {
    addresses = await resolveAll(host);
  } catch (err) {
    throw new EndpointRejected(`resolve remote endpoint host "${host}": ${(err as Error).message}`);
  }
  for (const address of addresses) check(endpoint, address, false, 'remote endpoint');
}

/**
 * Go's net.SplitHostPort rules for the host of `host:port` / `[v6]:port` (the port is not
 * checked): the host, or the reason the address is malformed, worded as Go's AddrError.
 */
export function splitHostPort(address: string): { host: string } | { error: string } {
  const fail = (why: string) => ({ error: `address ${address}: ${why}` });
  const last = address.lastIndexOf(':');
  if (last < 0) return fail('missing port in address');
  let host: string;
  let hostFrom = 0;
  let portFrom = 0;
  if (address.startsWith('[')) {
    const end = address.indexOf(']');
    if (end < 0) return fail("missing ']' in address");
    if (end + 1 === address.length) return fail('missing port in address');
    if (end + 1 !== last)
      return fail(address[end + 1] === ':' ? 'too many colons in address' : 'missing port in address');
    host = address.slice(1, end);
    hostFrom = 1;
    portFrom = end + 1;
  } else {
    host = address.slice(0, last);
    if (host.includes(':')) return fail('too many colons in address');
  }
  if (address.slice(hostFrom).includes('[')) return fail("unexpected '[' in address");
  if (address.slice(portFrom).includes(']')) return fail("unexpected ']' in address");
  return { host };
}

/** Upstream's validateReplicaTarget: a bare host:port that is not loopback/link-local/unspecified. */
export async function validateReplicaTarget(target: string): Promise<void> {
  if (target.trim() === '') throw new EndpointRejected('replica target is empty');
  if (target.includes('://') || /[/?#@\\]/.test(target))
    throw new EndpointRejected(`replica target "${target}" must be a bare host:port`);
  const split = splitHostPort(target);
  if ('error' in split)
    throw new EndpointRejected(`replica target "${target}" must be a bare host:port: ${split.error}`);
  const host = split.host;
  if (host === '') throw new EndpointRejected(`replica target "${target}" has no host`);
  if (BLOCKED_METADATA_HOSTS.has(host.toLowerCase()))
    throw new EndpointRejected(`replica target "${target}" targets instance metadata service`);
  if (net.isIP(host) !== 0) return check(target, host, true, 'remote endpoint');
  let addresses: string[];
  try {
    addresses = await resolveAll(host);
  } catch (err) {
    throw new EndpointRejected(`resolve replica target host "${host}": ${(err as Error).message}`);
  }
  for (const address of addresses) check(target, address, true, 'remote endpoint');
}

/**
 * 4.53's gate on a caller-supplied peer that a copy or tail RPC is about to dial (VolumeCopy and
 * VolumeEcShardsCopy's source_data_node, VolumeTailReceiver's source_volume_server): unless the
 * operator passed -volume.allowUntrustedRemoteEndpoints, it must pass validateReplicaTarget.
 * Refused as a plain error (gRPC UNKNOWN) reading "<what> <address>: <reason>", as upstream's.
 */
export async function checkPeerSource(address: string, allowUntrusted: boolean, what: string): Promise<void> {
  if (allowUntrusted) return;
  try {
    await validateReplicaTarget(address);
  } catch (err) {
    throw new Error(`${what} ${address}: ${(err as Error).message}`);
  }
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | dns.LookupAddress[],
  family?: number,
) => void;

/**
 * A `lookup` for http(s).Agent that drops blocked answers at connect time, so a name that passed
 * validation cannot rebind to a blocked address before the dial.
 */
export function guardedLookup(endpoint: string, allowPrivate: boolean) {
  return (hostname: string, options: dns.LookupOptions, callback: LookupCallback): void => {
    dns.lookup(hostname, { ...options, all: true }, (err, answers) => {
      if (err) return callback(err, []);
      let firstBlock: string | null = null;
      const allowed = (answers as dns.LookupAddress[]).filter((a) => {
        const reason = blockedAddressReason(a.address, allowPrivate);
        if (reason !== null && firstBlock === null)
          firstBlock = `remote endpoint "${endpoint}" resolves to ${reason} ${a.address}`;
        return reason === null;
      });
      if (allowed.length === 0) {
        return callback(
          new EndpointRejected(firstBlock ?? `resolve remote endpoint host "${hostname}": no addresses`),
          [],
        );
      }
      if (options.all) return callback(null, allowed);
      callback(null, allowed[0]!.address, allowed[0]!.family);
    });
  };
}
