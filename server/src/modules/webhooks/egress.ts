import dns from 'node:dns/promises';
import net from 'node:net';

/**
 * Where webhook deliveries may not go (SSRF). docs/webhooks.md lets a receiver sit inside a private
 * network (a 12345 platform on the 政务外网, a bridge on the same host), so private and loopback
 * addresses are allowed; what is never a receiver is the cloud's metadata service and the addresses no
 * host answers on: link-local (169.254.0.0/16 — AWS, Tencent 169.254.0.23, Huawei — and fe80::/10),
 * Alibaba Cloud's 100.100.100.200, AWS's fd00:ec2::254, "this network" 0.0.0.0/8 and ::, multicast
 * and reserved ranges. Checked on the URL when a subscriber is saved and on every resolved address
 * before each delivery (a name may point anywhere later).
 */
const FORBIDDEN = new net.BlockList();
FORBIDDEN.addSubnet('0.0.0.0', 8, 'ipv4');
FORBIDDEN.addSubnet('169.254.0.0', 16, 'ipv4');
FORBIDDEN.addAddress('100.100.100.200', 'ipv4');
FORBIDDEN.addSubnet('224.0.0.0', 3, 'ipv4');
FORBIDDEN.addAddress('::', 'ipv6');
FORBIDDEN.addSubnet('fe80::', 10, 'ipv6');
FORBIDDEN.addSubnet('ff00::', 8, 'ipv6');
FORBIDDEN.addAddress('fd00:ec2::254', 'ipv6');

/** An IPv4 address written inside IPv6 (::ffff:a.b.c.d, ::ffff:xxxx:xxxx), as IPv4; else null. */
function embeddedIpv4(address: string): string | null {
  const dotted = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (dotted) return dotted[1]!;
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (!hex) return null;
  const hi = parseInt(hex[1]!, 16);
  const lo = parseInt(hex[2]!, 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

/** True when no delivery may go to this IP address. */
export function isForbiddenAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '');
  const v4 = net.isIPv4(bare) ? bare : embeddedIpv4(bare);
  if (v4 !== null) return FORBIDDEN.check(v4, 'ipv4');
  return net.isIPv6(bare) && FORBIDDEN.check(bare, 'ipv6');
}

/** True when a URL's host is an address written out that no delivery may go to (names are checked when sent). */
export function isForbiddenHost(hostname: string): boolean {
  const bare = hostname.replace(/^\[|\]$/g, '');
  return net.isIP(bare) !== 0 && isForbiddenAddress(bare);
}

/** Before a delivery: the reason it may not go to this URL's host as it resolves now, or null. */
export async function egressProblem(
  url: string,
  lookup: (host: string) => Promise<{ address: string }[]> = (host) => dns.lookup(host, { all: true }),
): Promise<string | null> {
  const hostname = new URL(url).hostname.replace(/^\[|\]$/g, '');
  if (net.isIP(hostname) !== 0) return isForbiddenAddress(hostname) ? `forbidden address ${hostname}` : null;
  let addresses: { address: string }[];
  try {
    addresses = await lookup(hostname);
  } catch {
    return null; // the delivery itself fails and is retried as any unreachable receiver
  }
  const bad = addresses.find((a) => isForbiddenAddress(a.address));
  return bad === undefined ? null : `forbidden address ${bad.address}`;
}
