import net from 'node:net';

/**
 * The source a per-source limit counts: an IPv4 address as it is, an IPv6 address by its /64 — one
 * subscriber line or host gets a whole /64, so counting single IPv6 addresses would give one attacker
 * 2^64 fresh sources. An IPv4 address written in IPv6 (::ffff:a.b.c.d) counts as the IPv4 address.
 */
export function sourceKey(ip: string | null): string | null {
  if (ip === null) return null;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (!net.isIPv6(ip)) return ip;
  const [head, tail = ''] = ip.split('::');
  const left = head === '' ? [] : head!.split(':');
  const right = tail === '' ? [] : tail.split(':');
  const full = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return `${full
    .slice(0, 4)
    .map((h) => parseInt(h, 16).toString(16))
    .join(':')}::/64`;
}
