import { etagOf } from './etag.js';

/** The part of the framework's reply a controller uses to set headers. */
export interface HeaderReply {
  header(name: string, value: string): unknown;
}

/** Versioned answers carry their version as a strong ETag, for `If-Match` on the next write. */
export function withEtag<T extends { version: number }>(reply: HeaderReply, body: T): T {
  reply.header('etag', etagOf(body.version));
  return body;
}
