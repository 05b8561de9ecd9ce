import { createHash, randomBytes, randomFillSync, timingSafeEqual } from 'node:crypto';
import { monotonicFactory } from 'ulidx';

// ulidx asks the system for one random byte per character by default: 16 calls per id, a few
// percent of the whole message path under load. The same bytes, drawn from a pool refilled 4 KiB
// at a time.
const pool = Buffer.alloc(4096);
let used = pool.length;
function pooledRandom(): number {
  if (used === pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  return pool[used++]! / 256;
}

const ulid = monotonicFactory(pooledRandom);

/** A new sortable id (ULID): creation order is id order. */
export function newId(): string {
  return ulid();
}

/** A random secret for tokens handed to clients; only its hash is stored. */
export function newSecret(prefix: string): string {
  return `${prefix}_${randomBytes(24).toString('base64url')}`;
}

/** SHA-256 of a high-entropy secret. Fine for random tokens; passwords use a KDF instead. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Constant-time comparison of two hex digests. */
export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}
