import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Invalid } from '@polis/platform';
import { fileTooLarge, unsupportedMediaType } from '../common/errors.js';
import { type AcceptedType, acceptType, SNIFF_BYTES } from './file-types.js';

export interface ReceivedFile {
  size: number;
  sha256: string;
  /** Only when already known (imports); uploads leave it to `complete` or the sync job. */
  md5?: string;
  type: AcceptedType;
}

/** Bigger buffers than the 16 KB default: fewer, larger disk writes overlap with receiving. */
const BUFFER_BYTES = 1024 * 1024;

/**
 * Hashes (SHA-256), counts and type-checks the bytes as they pass, holding back only the first few
 * KB until the magic bytes have been checked: the upload is never buffered whole. MD5, which is
 * twice as slow as SHA-256 here and only a legacy column, is computed later from the file.
 */
class UploadInspector extends Transform {
  size = 0;
  type: AcceptedType | undefined;
  private readonly sha256 = createHash('sha256');
  private head: Buffer[] = [];
  private headLength = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly declaredType: string | undefined,
  ) {
    super({ readableHighWaterMark: BUFFER_BYTES, writableHighWaterMark: BUFFER_BYTES });
  }

  digest(): string {
    return this.sha256.digest('hex');
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.size += chunk.length;
    if (this.size > this.maxBytes) {
      callback(fileTooLarge(this.maxBytes));
      return;
    }
    this.sha256.update(chunk);
    if (this.type !== undefined) {
      callback(null, chunk);
      return;
    }
    this.head.push(chunk);
    this.headLength += chunk.length;
    if (this.headLength < SNIFF_BYTES) {
      callback();
      return;
    }
    this.releaseHead(callback);
  }

  override _flush(callback: TransformCallback): void {
    if (this.size === 0) {
      callback(new Invalid('The upload is empty.', 'empty_file'));
      return;
    }
    if (this.type !== undefined) {
      callback();
      return;
    }
    this.releaseHead(callback);
  }

  private releaseHead(callback: TransformCallback): void {
    const head = Buffer.concat(this.head);
    this.head = [];
    acceptType(head, this.declaredType).then(
      (type) => {
        if (type === null) {
          callback(unsupportedMediaType(null));
          return;
        }
        this.type = type;
        callback(null, head);
      },
      (error: unknown) => callback(error as Error),
    );
  }
}

/**
 * Streams a request body into `tempPath` (created exclusively), enforcing the size cap and the
 * type allow-list on the way. On any failure the temp file is removed and the error rethrown;
 * the request body is left for the caller to drain.
 */
export async function receiveUpload(
  request: IncomingMessage,
  tempPath: string,
  options: { maxBytes: number; declaredType: string | undefined },
): Promise<ReceivedFile> {
  const inspector = new UploadInspector(options.maxBytes, options.declaredType);
  const file = createWriteStream(tempPath, { flags: 'wx', mode: 0o640, highWaterMark: BUFFER_BYTES });
  const written = pipeline(inspector, file);
  const onClose = () => {
    if (!request.complete) inspector.destroy(new Error('the client aborted the upload'));
  };
  request.on('close', onClose);
  request.pipe(inspector);
  try {
    await written;
  } catch (error) {
    request.unpipe(inspector);
    await rm(tempPath, { force: true });
    throw error;
  } finally {
    request.off('close', onClose);
  }
  return { size: inspector.size, sha256: inspector.digest(), type: inspector.type as AcceptedType };
}

/**
 * Reads and discards what is left of a refused upload (up to `maxBytes`), so the client receives
 * the answer instead of a reset connection; beyond that the connection is cut.
 */
export function drainRequest(request: IncomingMessage, maxBytes: number): Promise<void> {
  if (request.complete || request.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    let seen = 0;
    const finish = () => {
      request.off('data', onData);
      resolve();
    };
    const onData = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > maxBytes) {
        request.destroy();
        finish();
      }
    };
    request.on('data', onData);
    request.once('end', finish);
    request.once('error', finish);
    request.once('close', finish);
    request.resume();
  });
}
