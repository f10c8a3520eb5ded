import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isValidSignature, secretsEqual } from '../../../functions/facebook/webhook-signature.ts';

const appSecret = 'app-secret-for-tests';
/** As Meta sends it: compact, with `\/` and `\u00fc` escapes that JSON.stringify would not write. */
const metaBody = Buffer.from(
  '{"object":"page","entry":[{"id":"123","time":1714809600,"changes":[{"field":"leadgen","value":{"leadgen_id":444,"page_id":123,"form_id":555,"note":"M\\u00fcller \\/ Co"}}]}]}',
);
const sign = (body: Buffer | string, secret = appSecret) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

describe('the webhook signature (X-Hub-Signature-256)', () => {
  it('accepts the HMAC-SHA256 of the exact bytes received', () => {
    expect(isValidSignature(metaBody, sign(metaBody), appSecret)).toBe(true);
  });

  it('refuses a signature over the same JSON parsed and serialised again', () => {
    const reserialised = JSON.stringify(JSON.parse(metaBody.toString('utf8')));

    expect(reserialised).not.toBe(metaBody.toString('utf8'));
    expect(isValidSignature(metaBody, sign(reserialised), appSecret)).toBe(false);
  });

  it('refuses a body whose whitespace was altered after signing', () => {
    const altered = Buffer.from(metaBody.toString('utf8').replace('"object":"page"', '"object": "page"'));

    expect(isValidSignature(altered, sign(metaBody), appSecret)).toBe(false);
  });

  it('refuses a signature made with another secret', () => {
    expect(isValidSignature(metaBody, sign(metaBody, 'someone-else'), appSecret)).toBe(false);
  });

  it('refuses a missing, empty or malformed header', () => {
    const hex = sign(metaBody).slice('sha256='.length);

    expect(isValidSignature(metaBody, undefined, appSecret)).toBe(false);
    expect(isValidSignature(metaBody, '', appSecret)).toBe(false);
    expect(isValidSignature(metaBody, hex, appSecret)).toBe(false);
    expect(isValidSignature(metaBody, `sha1=${hex}`, appSecret)).toBe(false);
    expect(isValidSignature(metaBody, `sha256=${hex.slice(2)}`, appSecret)).toBe(false);
  });

  it('compares verify tokens of any length without throwing', () => {
    expect(secretsEqual('token', 'token')).toBe(true);
    expect(secretsEqual('token', 'tokenx')).toBe(false);
    expect(secretsEqual('', 'token')).toBe(false);
  });
});
