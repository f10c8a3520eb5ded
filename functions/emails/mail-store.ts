/** Raw mail and attachments in the mail bucket, streamed both ways so no message is held whole in memory. */

import type { Readable } from 'node:stream';
import { DeleteObjectsCommand, GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
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

  /** Deletes these objects (a missing one counts as deleted); fails when S3 could not delete one. */
  async deleteAll(bucket: string, keys: readonly string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += 1000) {
      const part = keys.slice(i, i + 1000);
      const res = await s3.send(
        new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: part.map((Key) => ({ Key })), Quiet: true } }),
      );
      const failed = res.Errors ?? [];
      if (failed.length > 0) {
        throw new Error(`s3://${bucket}: ${failed.length} objects not deleted (${failed[0]?.Code}: ${failed[0]?.Key})`);
      }
    }
  },
});

export type MailStore = ReturnType<typeof createMailStore>;
