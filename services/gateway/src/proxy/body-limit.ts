import { type Readable, Transform, type TransformCallback } from 'node:stream';
import { DomainError } from '@polis/platform';

export class PayloadTooLarge extends DomainError {
  constructor(limitBytes: number) {
    super(413, 'payload_too_large', `The request body is larger than ${formatBytes(limitBytes)}.`, {
      details: { limitBytes },
    });
  }
}

function formatBytes(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MB` : `${bytes} bytes`;
}

/** The declared length, when the client sent a usable Content-Length. */
export function declaredLength(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  return Number(value);
}

/**
 * Passes the body through chunk by chunk and fails as soon as more than `limitBytes` went by, so a
 * chunked upload without Content-Length cannot exceed the limit either. Nothing is buffered.
 */
export class BodyLimit extends Transform {
  private seen = 0;
  exceeded = false;

  constructor(readonly limitBytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.limitBytes) {
      this.exceeded = true;
      callback(new PayloadTooLarge(this.limitBytes));
      return;
    }
    callback(null, chunk);
  }
}

/** Pipes `source` through a `BodyLimit`; an aborted client also ends the limited stream. */
export function limitBody(source: Readable, limitBytes: number): BodyLimit {
  const limited = new BodyLimit(limitBytes);
  source.on('error', (error) => limited.destroy(error));
  source.pipe(limited);
  return limited;
}

/**
 * Reads a small body whole (session routes, the Telegram webhook), refusing more than `limitBytes`.
 * An oversized body is left unread rather than destroyed, so the 413 can still be sent on the socket.
 */
export function readBody(source: Readable, limitBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const cleanUp = (): void => {
      source.off('data', onData);
      source.off('end', onEnd);
      source.off('error', onError);
    };
    const onData = (chunk: Buffer | string): void => {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
      total += buffer.length;
      if (total > limitBytes) {
        cleanUp();
        source.pause();
        reject(new PayloadTooLarge(limitBytes));
        return;
      }
      chunks.push(buffer);
    };
    const onEnd = (): void => {
      cleanUp();
      resolve(Buffer.concat(chunks));
    };
    const onError = (error: Error): void => {
      cleanUp();
      reject(error);
    };
    source.on('data', onData);
    source.on('end', onEnd);
    source.on('error', onError);
  });
}
