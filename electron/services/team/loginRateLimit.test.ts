import { describe, expect, it } from 'vitest';
import { LoginRateLimiter } from './loginRateLimit';

describe('LoginRateLimiter', () => {
  it('blocks an account after its failures, until the oldest leaves the window', () => {
    let now = 1_000_000;
    const limiter = new LoginRateLimiter({
      now: () => now,
      perAccount: 3,
      perAddress: 100,
      windowMs: 60_000,
    });
    for (let i = 0; i < 3; i++) {
      expect(limiter.retryAfterMs('alice', '10.0.0.1')).toBe(0);
      limiter.recordFailure('alice', '10.0.0.1');
      now += 1000;
    }
    // First failure at 1_000_000: free again at 1_060_000; now is 1_003_000.
    expect(limiter.retryAfterMs('alice', '10.0.0.9')).toBe(57_000);
    expect(limiter.retryAfterMs('Alice ', '10.0.0.9')).toBe(57_000);
    expect(limiter.retryAfterMs('bob', '10.0.0.1')).toBe(0);
    now += 57_000;
    expect(limiter.retryAfterMs('alice', '10.0.0.1')).toBe(0);
  });

  it('blocks an address that tries many accounts', () => {
    const now = 5_000;
    const limiter = new LoginRateLimiter({
      now: () => now,
      perAccount: 100,
      perAddress: 4,
      windowMs: 10_000,
    });
    for (const name of ['a', 'b', 'c', 'd']) limiter.recordFailure(name, '192.0.2.7');
    expect(limiter.retryAfterMs('e', '192.0.2.7')).toBe(10_000);
    expect(limiter.retryAfterMs('e', '192.0.2.8')).toBe(0);
  });

  it('a success clears the account, not the address', () => {
    const limiter = new LoginRateLimiter({ now: () => 0, perAccount: 2, perAddress: 3 });
    limiter.recordFailure('alice', 'x');
    limiter.recordFailure('alice', 'x');
    expect(limiter.retryAfterMs('alice', 'y')).toBeGreaterThan(0);
    limiter.recordSuccess('alice');
    expect(limiter.retryAfterMs('alice', 'y')).toBe(0);
    limiter.recordFailure('bob', 'x');
    expect(limiter.retryAfterMs('carol', 'x')).toBeGreaterThan(0);
  });
});
