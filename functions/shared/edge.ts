/**
 * Requests through the stage's edge (CloudFront with AWS WAF in front of the web-form routes,
 * infra/cdk/kontakt-edge.ts). CloudFront adds a secret header to every request it passes on; a
 * function that is served through the edge (`ORIGIN_SECRET` set) refuses a request without it, so
 * the API's own endpoint is closed to direct calls on those routes, and only then trusts
 * CloudFront's `CloudFront-Viewer-Address` as the client's address (API Gateway's source IP is a
 * CloudFront server's).
 */
import { timingSafeEqual } from 'node:crypto';

export const originSecretHeader = 'x-kontakt-origin-secret';
export const viewerAddressHeader = 'cloudfront-viewer-address';

/** Whether the request carries the edge's secret (compared in constant time). */
export const cameThroughEdge = (headers: Record<string, string | undefined>, secret: string): boolean => {
  const given = Buffer.from(headers[originSecretHeader] ?? '');
  const expected = Buffer.from(secret);
  return given.length === expected.length && timingSafeEqual(given, expected);
};

/**
 * The IP of `CloudFront-Viewer-Address` (`203.0.113.7:46532`, `2001:db8::7:46532`: the address,
 * a colon, the port), or null when it is not one.
 */
export const viewerIp = (value: string | undefined): string | null => {
  const match = /^(.+):(\d{1,5})$/.exec(value?.trim() ?? '');
  const ip = match?.[1];
  if (!ip) return null;
  return /^[\d.]+$/.test(ip) || /^[\da-f:]+$/i.test(ip) ? ip.toLowerCase() : null;
};

/**
 * One client as limits count it: an IPv4 address, or the /64 network of an IPv6 address (a
 * household or a server gets a whole /64; counting each of its addresses would give one client
 * 2^64 budgets).
 */
export const clientOf = (ip: string): string => {
  if (!ip.includes(':')) return ip;
  const [head = '', tail = ''] = ip.toLowerCase().split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === '' ? [] : tail.split(':');
  const groups = ip.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
};

/**
 * The client's address: the viewer's, as CloudFront saw it, when this function is served through
 * the edge (its router let only requests with the secret through); else API Gateway's source IP.
 */
export const clientAddress = (event: {
  headers?: Record<string, string | undefined>;
  requestContext: { http: { sourceIp: string } };
}): string => {
  if (process.env.ORIGIN_SECRET) {
    const viewer = viewerIp(event.headers?.[viewerAddressHeader]);
    if (viewer) return clientOf(viewer);
  }
  return clientOf(event.requestContext.http.sourceIp);
};
