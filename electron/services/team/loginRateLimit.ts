/**
 * Login rate limit: failed attempts are counted per account name and per client address in a sliding
 * window; past the limit, logins for that key are refused until the oldest failure leaves the window (a
 * success clears the account's count). In memory: a restart forgets, which a guessing attacker cannot
 * trigger from outside.
 */
export interface RateLimitOptions {
  now?: () => number;
  /** Failed attempts allowed per account within the window (default 5). */
  perAccount?: number;
  /** Failed attempts allowed per address within the window (default 20: an office behind one NAT). */
  perAddress?: number;
  windowMs?: number;
}

export class LoginRateLimiter {
  private readonly failures = new Map<string, number[]>();
  private readonly now: () => number;
  private readonly perAccount: number;
  private readonly perAddress: number;
  private readonly windowMs: number;

  constructor(options: RateLimitOptions = {}) {
    this.now = options.now ?? Date.now;
    this.perAccount = options.perAccount ?? 5;
    this.perAddress = options.perAddress ?? 20;
    this.windowMs = options.windowMs ?? 15 * 60 * 1000;
  }

  /** 0 when a login may be tried now; else the ms to wait. */
  retryAfterMs(account: string, address: string): number {
    return Math.max(
      this.wait(`account:${account.trim().toLowerCase()}`, this.perAccount),
      this.wait(`address:${address}`, this.perAddress),
    );
  }

  recordFailure(account: string, address: string): void {
    for (const key of [`account:${account.trim().toLowerCase()}`, `address:${address}`]) {
      const list = this.recent(key);
      list.push(this.now());
      this.failures.set(key, list);
    }
  }

  recordSuccess(account: string): void {
    this.failures.delete(`account:${account.trim().toLowerCase()}`);
  }

  private recent(key: string): number[] {
    const cutoff = this.now() - this.windowMs;
    const list = (this.failures.get(key) ?? []).filter((t) => t > cutoff);
    if (list.length === 0) this.failures.delete(key);
    else this.failures.set(key, list);
    return list;
  }

  private wait(key: string, limit: number): number {
    const list = this.recent(key);
    if (list.length < limit) return 0;
    return list[list.length - limit]! + this.windowMs - this.now();
  }
}
