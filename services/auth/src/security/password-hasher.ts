import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

export interface PasswordHashOptions {
  memoryKib: number;
  iterations: number;
}

/**
 * argon2id (the library's default algorithm) with OWASP's minimum parameters by default. Checking
 * a password always costs one verification, even for unknown accounts, so response time does not
 * tell whether an email is registered.
 */
export class PasswordHasher {
  private dummyHash: Promise<string> | undefined;

  constructor(private readonly options: PasswordHashOptions) {}

  hash(password: string): Promise<string> {
    return hash(password, { memoryCost: this.options.memoryKib, timeCost: this.options.iterations, parallelism: 1 });
  }

  /** False for a null hash (no password set), after spending the same work as a real check. */
  async verify(passwordHash: string | null | undefined, password: string): Promise<boolean> {
    if (!passwordHash) {
      await verify(await this.dummy(), password).catch(() => false);
      return false;
    }
    try {
      return await verify(passwordHash, password);
    } catch {
      return false;
    }
  }

  private dummy(): Promise<string> {
    this.dummyHash ??= this.hash(randomBytes(24).toString('base64url'));
    return this.dummyHash;
  }
}
