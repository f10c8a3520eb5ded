// Requests through the stage's edge: the secret header compared in constant time, and the client's
// address read from CloudFront's viewer address only where the edge's secret guards the function.
import { afterEach, describe, expect, it } from 'vitest';
import { cameThroughEdge, clientAddress, clientOf, viewerIp } from '../../../functions/shared/edge.ts';

const event = (headers: Record<string, string>) => ({ headers, requestContext: { http: { sourceIp: '130.176.1.1' } } });

afterEach(() => {
  delete process.env.ORIGIN_SECRET;
});

describe('the viewer address CloudFront passes on', () => {
  it('is an IPv4 or IPv6 address and a port; anything else is none', () => {
    expect(viewerIp('203.0.113.7:46532')).toBe('203.0.113.7');
    expect(viewerIp('2001:DB8::7:46532')).toBe('2001:db8::7');
    expect(viewerIp('203.0.113.7')).toBeNull();
    expect(viewerIp('evil.example:80')).toBeNull();
    expect(viewerIp(undefined)).toBeNull();
  });
});

describe('a client as limits count it', () => {
  it('is an IPv4 address, or the /64 an IPv6 address belongs to', () => {
    expect(clientOf('203.0.113.7')).toBe('203.0.113.7');
    expect(clientOf('2001:db8:0:1::7')).toBe('2001:db8:0:1::/64');
    expect(clientOf('2001:DB8:0000:0001:ffff:1:2:3')).toBe('2001:db8:0:1::/64');
    expect(clientOf('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(clientOf('::1')).toBe('0:0:0:0::/64');
  });
});

describe('the edge secret', () => {
  it('lets through the exact secret only', () => {
    expect(cameThroughEdge({ 'x-kontakt-origin-secret': 's3cret' }, 's3cret')).toBe(true);
    expect(cameThroughEdge({ 'x-kontakt-origin-secret': 's3cre' }, 's3cret')).toBe(false);
    expect(cameThroughEdge({}, 's3cret')).toBe(false);
  });
});

describe('the client address', () => {
  it('is the viewer’s when the function is behind the edge, else API Gateway’s source IP', () => {
    const viaEdge = event({ 'cloudfront-viewer-address': '203.0.113.7:46532' });
    expect(clientAddress(viaEdge)).toBe('130.176.1.1');
    process.env.ORIGIN_SECRET = 's3cret';
    expect(clientAddress(viaEdge)).toBe('203.0.113.7');
    expect(clientAddress(event({}))).toBe('130.176.1.1');
    // not an address: the request is counted on CloudFront's server, never on a made-up client
    expect(clientAddress(event({ 'cloudfront-viewer-address': 'unknown' }))).toBe('130.176.1.1');
    // every address of one IPv6 network is one client
    const a = clientAddress(event({ 'cloudfront-viewer-address': '2001:db8:1:2::a:443' }));
    const b = clientAddress(event({ 'cloudfront-viewer-address': '2001:db8:1:2:ffff::b:443' }));
    expect(a).toBe(b);
  });
});
