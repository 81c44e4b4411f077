import type { Folder } from '@polis/contracts';
import type { FolderRow } from '../db/schema.js';

export function toFolder(row: FolderRow): Folder {
  return {
    ownerType: row.ownerType,
    ownerId: row.ownerId,
    name: row.name,
    folderPath: row.storagePath,
    parentPath: row.parentPath,
    publicUrl: row.publicUrl,
    createdAt: row.createdAt.toISOString(),
  };
}

/** The share address of a folder or file: the web base plus each path segment, URL-encoded. */
export function publicUrlOf(webBaseUrl: string, relativePath: string): string {
  const base = webBaseUrl.endsWith('/') ? webBaseUrl : `${webBaseUrl}/`;
  return base + relativePath.split('/').map(encodeURIComponent).join('/');
}
