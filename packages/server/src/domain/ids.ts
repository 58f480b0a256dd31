import { randomBytes } from 'node:crypto';

// Crockford base32: sortable as plain strings, no ambiguous letters.
const alphabet = '0123456789abcdefghjkmnpqrstvwxyz';

export type IdPrefix = 'job' | 'run' | 'exe' | 'dlv' | 'key' | 'prj' | 'sp' | 'ch' | 'alr' | 'ntc' | 'wh' | 'usr' | 'ses' | 'rtk' | 'node' | 'ss' | 'msg' | 'ibw';

let pool = Buffer.alloc(0);
let poolOffset = 0;

/** Random bytes drawn from a pooled buffer: ids are made on the hot path, one syscall per 4 KiB. */
function random(count: number): Buffer {
  if (poolOffset + count > pool.length) {
    pool = randomBytes(4096);
    poolOffset = 0;
  }
  const out = pool.subarray(poolOffset, poolOffset + count);
  poolOffset += count;
  return out;
}

let lastTime = -1;
const lastRandom = Buffer.alloc(10);

/**
 * A time-sortable id such as `job_01jd3k9m2x7q8r5t6v4w0y1z2a`: 10 characters of millisecond time
 * followed by 16 of randomness (80 bits), like a ULID, behind a prefix that names the kind.
 * Monotonic within a process, as ULIDs may be: within one millisecond (or when the clock steps
 * back) the random part counts up, so ids made one after another sort in the order they were
 * made, which is the order messages are sent in. `now` is the caller's clock reading (epoch ms).
 */
export function newId(prefix: IdPrefix, now: number): string {
  if (now > lastTime) {
    lastTime = now;
    random(10).copy(lastRandom);
  } else {
    for (let i = lastRandom.length - 1; i >= 0; i--) {
      lastRandom[i] = (lastRandom[i]! + 1) & 0xff;
      if (lastRandom[i] !== 0) break;
    }
  }
  const time = timePart(lastTime);
  let rand = '';
  // 10 bytes = 80 bits = 16 base32 characters, taken 5 bits at a time.
  let acc = 0;
  let bits = 0;
  for (const byte of lastRandom) {
    acc = (acc << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      rand += alphabet[(acc >> bits) & 31];
    }
    acc &= (1 << bits) - 1;
  }
  return `${prefix}_${time}${rand}`;
}

/** The lowest id of this kind that can be made at `ms` or later: a bound for time-window queries. */
export function firstIdAt(prefix: IdPrefix, ms: number): string {
  return `${prefix}_${timePart(ms)}`;
}

function timePart(ms: number): string {
  let time = '';
  let t = ms;
  for (let i = 0; i < 10; i++) {
    time = alphabet[t % 32] + time;
    t = Math.floor(t / 32);
  }
  return time;
}

/** A secret token of `bytes` random bytes in base64url, for API keys and slugs. */
export function newSecret(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}
