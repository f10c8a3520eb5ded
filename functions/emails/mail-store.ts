/** Raw mail and attachments in the mail bucket, streamed both ways so no message is held whole in memory. */

import type { Readable } from 'node:stream';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';

const isReadable = (body: unknown): body is Readable =>
  typeof body === 'object' && body !== null && 'pipe' in body && typeof body.pipe === 'function';

export const createMailStore = (s3: S3Client) => ({
  async open(bucket: string, key: string): Promise<Readable> {
    const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    if (!isReadable(res.Body)) throw new Error(`s3://${bucket}/${key} has no readable body`);
    return res.Body;
  },

  /** Multipart upload of a stream of unknown length (5 MB parts in memory at most). */
  async put(bucket: string, key: string, body: Readable, contentType: string): Promise<void> {
    await new Upload({ client: s3, params: { Bucket: bucket, Key: key, Body: body, ContentType: contentType } }).done();
  },
});

export type MailStore = ReturnType<typeof createMailStore>;
