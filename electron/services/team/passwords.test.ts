import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from './passwords';

// Cheap parameters keep the test fast; the stored form carries them, so verify reads them back.
const cheap = { N: 2 ** 10, r: 8, p: 1 };

describe('scrypt passwords', () => {
  it('verifies the right password and refuses a wrong one', async () => {
    const stored = await hashPassword('correct horse battery', cheap);
    expect(stored.startsWith('scrypt$1024$8$1$')).toBe(true);
    expect(await verifyPassword('correct horse battery', stored)).toBe(true);
    expect(await verifyPassword('correct horse batterY', stored)).toBe(false);
  });

  it('salts every hash, so the same password hashes differently', async () => {
    const a = await hashPassword('same password', cheap);
    const b = await hashPassword('same password', cheap);
    expect(a).not.toBe(b);
    expect(await verifyPassword('same password', b)).toBe(true);
  });

  it('uses the default (OWASP) parameters when none are given', async () => {
    const stored = await hashPassword('default parameters');
    expect(stored.split('$').slice(1, 4)).toEqual(['131072', '8', '1']);
    expect(await verifyPassword('default parameters', stored)).toBe(true);
  });

  it('refuses hashes it cannot read instead of throwing', async () => {
    expect(await verifyPassword('x', 'plain-text')).toBe(false);
    expect(await verifyPassword('x', 'scrypt$abc$8$1$c2FsdA$aGFzaA')).toBe(false);
    expect(await verifyPassword('x', 'scrypt$1024$8$1$c2FsdA$dG9vc2hvcnQ')).toBe(false);
  });
});
