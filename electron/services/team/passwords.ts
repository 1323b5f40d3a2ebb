/**
 * Password hashing with node:crypto scrypt. The stored form carries its own parameters and salt
 * (`scrypt$N$r$p$salt$hash`, base64url), so stronger parameters later still verify old hashes; the
 * comparison is constant-time (timingSafeEqual).
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export interface ScryptParameters {
  /** CPU/memory cost, a power of two. */
  N: number;
  r: number;
  p: number;
}

/** OWASP's scrypt minimum (N=2^17, r=8, p=1): ~128 MiB and a tenth of a second per hash. */
export const defaultScryptParameters: ScryptParameters = { N: 2 ** 17, r: 8, p: 1 };
const keyLength = 32;
const saltLength = 16;
/** The password length a person may choose: long passphrases are fine, megabytes are not. */
export const minPasswordLength = 8;
export const maxPasswordLength = 1024;

function derive(password: string, salt: Buffer, parameters: ScryptParameters): Promise<Buffer> {
  const options: ScryptOptions = {
    N: parameters.N,
    r: parameters.r,
    p: parameters.p,
    // scrypt needs 128·N·r bytes; node refuses above maxmem, so allow what the parameters ask for.
    maxmem: 256 * parameters.N * parameters.r,
  };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, keyLength, options, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

export function checkPasswordStrength(password: string): void {
  if (password.length < minPasswordLength)
    throw new Error(`the password is shorter than ${minPasswordLength} characters`);
  if (password.length > maxPasswordLength)
    throw new Error(`the password is longer than ${maxPasswordLength} characters`);
}

export async function hashPassword(
  password: string,
  parameters: ScryptParameters = defaultScryptParameters,
): Promise<string> {
  const salt = randomBytes(saltLength);
  const key = await derive(password, salt, parameters);
  return [
    'scrypt',
    parameters.N,
    parameters.r,
    parameters.p,
    salt.toString('base64url'),
    key.toString('base64url'),
  ].join('$');
}

/** True when `password` matches `stored`; false for a wrong password or a hash this code cannot read. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0)) return false;
  const salt = Buffer.from(parts[4]!, 'base64url');
  const expected = Buffer.from(parts[5]!, 'base64url');
  if (password.length > maxPasswordLength || expected.length !== keyLength) return false;
  const key = await derive(password, salt, { N, r, p });
  return timingSafeEqual(key, expected);
}
