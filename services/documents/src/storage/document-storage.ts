import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, type ReadStream } from 'node:fs';
import { chmod, lstat, mkdir, readdir, realpath, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { invalidPath, joinRelative, resolveInside, withCollisionSuffix } from './storage-paths.js';

/** Where uploads are written before they are moved into place, inside the root (same file system). */
export const TEMP_DIR = '.tmp';
export const ARCHIVE_DIR = '.archive';

export interface FileDigest {
  size: number;
  sha256: string;
  md5: string;
}

function isMissing(error: unknown): boolean {
  return typeof error === 'object' && error !== null && Reflect.get(error, 'code') === 'ENOENT';
}

/**
 * The document tree on the local file system. Every operation takes a path relative to the root,
 * refuses one that leaves it, and refuses to pass through a symbolic link planted inside it, so
 * nothing is ever read or written outside the root.
 */
export class DocumentStorage {
  private constructor(
    /** Real (symlink-free) absolute path of the root. */
    readonly root: string,
    private readonly dirMode: number,
  ) {}

  static async open(root: string, dirMode: number): Promise<DocumentStorage> {
    await mkdir(root, { recursive: true, mode: dirMode });
    const storage = new DocumentStorage(await realpath(root), dirMode);
    await storage.ensureDir(TEMP_DIR);
    return storage;
  }

  /** Absolute path of a relative one after checking that no existing component is a symlink. */
  async resolve(relativePath: string): Promise<string> {
    const absolute = resolveInside(this.root, relativePath);
    const parts = relative(this.root, absolute).split(sep);
    let current = this.root;
    for (const part of parts) {
      current = join(current, part);
      try {
        const info = await lstat(current);
        if (info.isSymbolicLink()) throw invalidPath('path', 'it passes through a symbolic link');
      } catch (error) {
        if (isMissing(error)) break;
        throw error;
      }
    }
    return absolute;
  }

  /** Creates a folder (and missing parents) with the configured mode. */
  async ensureDir(relativePath: string): Promise<string> {
    const absolute = await this.resolve(relativePath);
    const parts = relative(this.root, absolute).split(sep);
    let current = this.root;
    for (const part of parts) {
      current = join(current, part);
      try {
        await mkdir(current, { mode: this.dirMode });
        // mkdir's mode passes through the umask; the configured mode is what the tree must have.
        await chmod(current, this.dirMode);
      } catch (error) {
        if (typeof error !== 'object' || error === null || Reflect.get(error, 'code') !== 'EEXIST') throw error;
        const info = await lstat(current);
        if (info.isSymbolicLink()) throw invalidPath('path', 'it passes through a symbolic link');
        if (!info.isDirectory()) throw invalidPath('path', 'a file stands where a folder should be');
      }
    }
    return absolute;
  }

  /** A fresh temp file name (relative) for one upload. */
  newTempPath(): string {
    return joinRelative(TEMP_DIR, `${randomUUID()}.part`);
  }

  /** True when nothing (not even a dangling symlink) exists at the path. */
  async isFree(relativePath: string): Promise<boolean> {
    const absolute = await this.resolve(relativePath);
    try {
      await lstat(absolute);
      return false;
    } catch (error) {
      if (isMissing(error)) return true;
      throw error;
    }
  }

  /**
   * A free file name in `folder` for `fileName`, adding `-2`, `-3`... on collision; `taken` also
   * rules out names the database has reserved.
   */
  async freeName(folder: string, fileName: string, taken: (path: string) => Promise<boolean>): Promise<string> {
    for (let attempt = 1; attempt < 1000; attempt += 1) {
      const candidate = joinRelative(folder, withCollisionSuffix(fileName, attempt));
      if ((await this.isFree(candidate)) && !(await taken(candidate))) return candidate;
    }
    throw new Error(`no free file name for ${fileName} in ${folder}`);
  }

  /** Atomically moves a file within the root (same file system): readers see the old or the new file, never half. */
  async move(fromRelative: string, toRelative: string): Promise<void> {
    const from = await this.resolve(fromRelative);
    const folder = dirname(toRelative);
    if (folder !== '.') await this.ensureDir(folder);
    const to = await this.resolve(toRelative);
    await rename(from, to);
  }

  async remove(relativePath: string): Promise<boolean> {
    const absolute = await this.resolve(relativePath);
    try {
      const info = await lstat(absolute);
      if (!info.isFile()) return false;
      await rm(absolute, { force: true });
      return true;
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  }

  async size(relativePath: string): Promise<number | null> {
    const absolute = await this.resolve(relativePath);
    try {
      const info = await stat(absolute);
      return info.isFile() ? info.size : null;
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  async openRead(relativePath: string, range?: { start: number; end: number }): Promise<ReadStream> {
    const absolute = await this.resolve(relativePath);
    return createReadStream(absolute, range ?? {});
  }

  /** SHA-256, MD5 and size of a stored file, streamed. */
  async digest(relativePath: string): Promise<FileDigest> {
    const sha256 = createHash('sha256');
    const md5 = createHash('md5');
    let size = 0;
    await pipeline(await this.openRead(relativePath), async (source: AsyncIterable<Buffer>) => {
      for await (const chunk of source) {
        sha256.update(chunk);
        md5.update(chunk);
        size += chunk.length;
      }
    });
    return { size, sha256: sha256.digest('hex'), md5: md5.digest('hex') };
  }

  /** Moves a file to `.archive/YYYY/MM/` under a free name; answers its new relative path. */
  async archive(relativePath: string, when: Date): Promise<string> {
    const folder = joinRelative(
      ARCHIVE_DIR,
      String(when.getUTCFullYear()),
      String(when.getUTCMonth() + 1).padStart(2, '0'),
    );
    await this.ensureDir(folder);
    const target = await this.freeName(folder, basename(relativePath), async () => false);
    await this.move(relativePath, target);
    return target;
  }

  /** Removes temp files older than `maxAgeMs`; answers how many went. */
  async sweepTemp(maxAgeMs: number, now: Date): Promise<number> {
    const dir = await this.ensureDir(TEMP_DIR);
    let removed = 0;
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (!entry.isFile() && !entry.isSymbolicLink()) continue;
      const path = join(dir, entry.name);
      try {
        const info = await lstat(path);
        if (now.getTime() - info.mtimeMs < maxAgeMs) continue;
        await rm(path, { force: true });
        removed += 1;
      } catch (error) {
        if (!isMissing(error)) throw error;
      }
    }
    return removed;
  }
}
