// Requests through the stage's edge: the secret header compared in constant time, and the client's
// address read from CloudFront's viewer address only where the edge's secret guards the function.
import { afterEach, describe, expect, it } from 'vitest';
import { cameThroughEdge, clientAddress, viewerIp } from '../../../functions/shared/edge.ts';

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
  });
});
