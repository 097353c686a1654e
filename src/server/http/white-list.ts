// The write guard (upstream's security.Guard): when a white list is configured, POST/PUT/DELETE
// and the /stats/* routes must come from a listed IP or CIDR (the socket peer; forwarded headers
// are not trusted).
import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';
import type { Context } from 'hono';

export function parseWhiteList(entries: string[]): BlockList {
  const list = new BlockList();
  for (const raw of entries) {
    const entry = raw.trim();
    if (entry === '') continue;
    const slash = entry.indexOf('/');
    const address = slash >= 0 ? entry.slice(0, slash) : entry;
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (isIP(address) === 0) throw new Error(`white list entry ${JSON.stringify(entry)} is not an IP or CIDR`);
    if (slash >= 0) list.addSubnet(address, Number(entry.slice(slash + 1)), family);
    else list.addAddress(address, family);
  }
  return list;
}

function peerAddress(c: Context): string | undefined {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  const address = incoming?.socket.remoteAddress;
  if (address === undefined) return undefined;
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

/** An empty list lets everyone through, as upstream does. */
export function whiteListGuard(entries: string[]) {
  const active = entries.some((e) => e.trim() !== '');
  const list = parseWhiteList(entries);
  return (c: Context): boolean => {
    if (!active) return true;
    const address = peerAddress(c);
    if (address === undefined) return false;
    return list.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');
  };
}
