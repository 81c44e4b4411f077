import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** One named user's access to a folder tree: `editor` = rwX, `viewer` = rX (platform.md §3.6). */
export interface AclGrant {
  uid: number;
  role: 'viewer' | 'editor';
}

/**
 * Applies the named-user ACL of a folder tree. `apply` makes the listed users exactly the named
 * users of the folder (others are removed) and verifies the result; the path is absolute and has
 * already been checked to lie inside the storage root.
 */
export interface AclDriver {
  readonly kind: 'noop' | 'posix';
  apply(absolutePath: string, grants: AclGrant[]): Promise<void>;
  /** Named users of the folder itself: uid → permissions (`rwx`, `r-x`). Empty for `noop`. */
  list(absolutePath: string): Promise<Map<number, string>>;
}

/** For deployments without POSIX ACLs: API traffic always goes through signed links anyway. */
export class NoopAclDriver implements AclDriver {
  readonly kind = 'noop' as const;
  async apply(): Promise<void> {}
  async list(): Promise<Map<number, string>> {
    return new Map();
  }
}

const PERMISSIONS: Record<AclGrant['role'], string> = { editor: 'rwX', viewer: 'rX' };
/** What `getfacl` shows on a directory for each role (`X` is `x` on directories). */
const SHOWN_ON_DIRECTORY: Record<AclGrant['role'], string> = { editor: 'rwx', viewer: 'r-x' };

/**
 * `setfacl` / `getfacl` from the `acl` package, always with argument arrays (no shell), `-P` so
 * that a recursive change never follows a symbolic link out of the tree, and `--` before the path.
 */
export class PosixAclDriver implements AclDriver {
  readonly kind = 'posix' as const;

  constructor(
    private readonly binaries: { setfacl: string; getfacl: string } = { setfacl: 'setfacl', getfacl: 'getfacl' },
  ) {}

  async list(absolutePath: string): Promise<Map<number, string>> {
    const { stdout } = await run(this.binaries.getfacl, [
      '-P',
      '--numeric',
      '--omit-header',
      '--absolute-names',
      '--',
      absolutePath,
    ]);
    const users = new Map<number, string>();
    for (const line of stdout.split('\n')) {
      const match = /^user:(\d+):([rwx-]{3})/.exec(line.trim());
      if (match) users.set(Number(match[1]), match[2] as string);
    }
    return users;
  }

  private async listDefaults(absolutePath: string): Promise<Set<number>> {
    const { stdout } = await run(this.binaries.getfacl, [
      '-P',
      '--numeric',
      '--omit-header',
      '--absolute-names',
      '--',
      absolutePath,
    ]);
    const users = new Set<number>();
    for (const line of stdout.split('\n')) {
      const match = /^default:user:(\d+):/.exec(line.trim());
      if (match) users.add(Number(match[1]));
    }
    return users;
  }

  async apply(absolutePath: string, grants: AclGrant[]): Promise<void> {
    const wanted = new Map(grants.map((grant) => [grant.uid, grant.role]));
    const current = await this.list(absolutePath);
    const defaults = await this.listDefaults(absolutePath);
    const stale = [...new Set([...current.keys(), ...defaults])].filter((uid) => !wanted.has(uid));
    if (stale.length > 0) {
      const entries = stale.flatMap((uid) => [`u:${uid}`, `d:u:${uid}`]).join(',');
      await run(this.binaries.setfacl, ['-R', '-P', '-x', entries, '--', absolutePath]);
    }
    if (wanted.size > 0) {
      const entries = [...wanted]
        .flatMap(([uid, role]) => [`u:${uid}:${PERMISSIONS[role]}`, `d:u:${uid}:${PERMISSIONS[role]}`])
        .join(',');
      await run(this.binaries.setfacl, ['-R', '-P', '-m', entries, '--', absolutePath]);
    }
    const after = await this.list(absolutePath);
    for (const [uid, role] of wanted) {
      if (after.get(uid) !== SHOWN_ON_DIRECTORY[role]) {
        throw new Error(`ACL verification failed: uid ${uid} has '${after.get(uid) ?? 'nothing'}', expected ${role}`);
      }
    }
    for (const uid of stale) {
      if (after.has(uid)) throw new Error(`ACL verification failed: uid ${uid} is still listed`);
    }
  }
}

export function createAclDriver(kind: 'noop' | 'posix'): AclDriver {
  return kind === 'posix' ? new PosixAclDriver() : new NoopAclDriver();
}
