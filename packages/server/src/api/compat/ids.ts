/**
 * Runner's and Booper's clients store ids as UUIDs; Kairos's ids are 128 bits too (48 of
 * millisecond time, 80 random) in Crockford base32 behind a prefix, so each maps one-to-one onto
 * a UUID-shaped string: the same 128 bits in hex, 8-4-4-4-12. Pure.
 */

const alphabet = '0123456789abcdefghjkmnpqrstvwxyz';
const uuidShape = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const nativeShape = /^([a-z]+)_([0-9a-hjkmnp-tv-z]{26})$/;

/** The UUID form of a native id (`job_…`, `prj_…`); null for a string that is not one. */
export function uuidOf(id: string): string | null {
  const m = nativeShape.exec(id);
  if (!m) return null;
  let bits = 0n;
  for (const c of m[2]!) bits = (bits << 5n) | BigInt(alphabet.indexOf(c));
  // 26 characters carry 130 bits; an id's time never reaches the top two.
  if (bits >> 128n !== 0n) return null;
  const hex = bits.toString(16).padStart(32, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The native id with this prefix that a UUID stands for; null when it is not a UUID. */
export function idOfUuid(prefix: string, uuid: string): string | null {
  if (!uuidShape.test(uuid)) return null;
  let bits = BigInt(`0x${uuid.replace(/-/g, '')}`);
  let text = '';
  for (let i = 0; i < 26; i++) {
    text = alphabet[Number(bits & 31n)] + text;
    bits >>= 5n;
  }
  return `${prefix}_${text}`;
}

/** `text` with every native job id in it written as the UUID a Runner or Booper client knows. */
export function jobUuidsIn(text: string): string {
  return text.replace(/\bjob_[0-9a-hjkmnp-tv-z]{26}\b/g, (id) => uuidOf(id) ?? id);
}

/** A job named in a path: its UUID form or its native id, as any door may have shown it. */
export function jobIdOf(param: string): string {
  return idOfUuid('job', param) ?? param;
}

/**
 * A whole number standing for one run or job (Booper's integer `job_id`): the id's millisecond
 * time times 2048 plus the low 11 bits of its random part, below 2^53 until the year 2109. Ids
 * made in one millisecond by one process count up in their random part, so they differ here.
 */
export function runNumberOf(id: string): number | null {
  const m = nativeShape.exec(id);
  if (!m) return null;
  let ms = 0;
  for (const c of m[2]!.slice(0, 10)) ms = ms * 32 + alphabet.indexOf(c);
  const tail = m[2]!.slice(-3);
  const low = ((alphabet.indexOf(tail[0]!) & 1) << 10) | (alphabet.indexOf(tail[1]!) << 5) | alphabet.indexOf(tail[2]!);
  return ms * 2048 + low;
}
