/**
 * Uploaded import files in the mail bucket under `imports/`: a presigned upload URL, whether the
 * file is there, a sample of its first bytes, and a stream from a byte offset (an S3 Range read),
 * so a resumed run never reads what the runs before it processed.
 */
import type { Readable } from 'node:stream';
import {
  GetObjectCommand,
  HeadObjectCommand,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';

export const importObjectKey = (importId: string): string => `imports/${importId}`;

/** How long an upload URL works. */
export const uploadUrlSeconds = 15 * 60;

/**
 * The S3 client for imports. By default the SDK signs a presigned PutObject URL with the CRC32 of
 * an *empty* body (`x-amz-checksum-crc32=AAAAAA==`), which S3 then holds every real upload
 * against and rejects; checksums only when required leaves them out. The local emulator ignores
 * them, so only AWS would notice. Endpoint as in shared/s3-client.ts.
 */
export const createImportsS3Client = (): S3Client => {
  const endpoint = process.env.AWS_ENDPOINT_URL_S3 || undefined;
  return new S3Client({
    ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
    requestChecksumCalculation: 'WHEN_REQUIRED',
  });
};

const isReadable = (body: unknown): body is Readable =>
  typeof body === 'object' && body !== null && 'pipe' in body && typeof body.pipe === 'function';

const missing = (error: unknown): boolean => error instanceof NotFound || error instanceof NoSuchKey;
/** S3 does not model this error as a class of its own. */
const changed = (error: unknown): boolean => error instanceof S3ServiceException && error.name === 'PreconditionFailed';

export const createImportFileStore = (deps: { s3: S3Client; bucket: string }) => {
  const { s3, bucket } = deps;

  const head = async (importId: string): Promise<{ size: number; etag: string } | null> => {
    try {
      const res = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: importObjectKey(importId) }));
      return { size: res.ContentLength ?? 0, etag: res.ETag ?? '' };
    } catch (error) {
      if (missing(error)) return null;
      throw error;
    }
  };

  return {
    uploadUrl: (importId: string): Promise<string> =>
      getSignedUrl(s3, new PutObjectCommand({ Bucket: bucket, Key: importObjectKey(importId) }), {
        expiresIn: uploadUrlSeconds,
      }),

    /** The uploaded file's size, or null when nothing was uploaded. */
    size: async (importId: string): Promise<number | null> => (await head(importId))?.size ?? null,

    /**
     * The first `length` bytes (fewer when the file is shorter), the file's size and its ETag, or
     * null when the file is gone.
     */
    async sample(importId: string, length: number): Promise<{ bytes: Buffer; size: number; etag: string } | null> {
      const found = await head(importId);
      if (found === null) return null;
      if (found.size === 0) return { bytes: Buffer.alloc(0), ...found };
      try {
        const res = await s3.send(
          new GetObjectCommand({
            Bucket: bucket,
            Key: importObjectKey(importId),
            Range: `bytes=0-${length - 1}`,
            IfMatch: found.etag,
          }),
        );
        const bytes = Buffer.from((await res.Body?.transformToByteArray()) ?? new Uint8Array());
        return { bytes, ...found };
      } catch (error) {
        if (missing(error) || changed(error)) return null;
        throw error;
      }
    },

    /**
     * The file from `offset` to its end, streamed, provided it is still the file with this ETag:
     * offsets from a file uploaded again mean nothing. `missing` or `changed` otherwise.
     */
    async open(importId: string, offset: number, etag: string): Promise<Readable | 'missing' | 'changed'> {
      try {
        const res = await s3.send(
          new GetObjectCommand({
            Bucket: bucket,
            Key: importObjectKey(importId),
            Range: `bytes=${offset}-`,
            IfMatch: etag,
          }),
        );
        if (!isReadable(res.Body)) throw new Error(`s3://${bucket}/${importObjectKey(importId)} has no readable body`);
        return res.Body;
      } catch (error) {
        if (missing(error)) return 'missing';
        if (changed(error)) return 'changed';
        throw error;
      }
    },
  };
};

export type ImportFileStore = ReturnType<typeof createImportFileStore>;
