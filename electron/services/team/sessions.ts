/**
 * Server-side sessions for the team server: the cookie carries 32 random bytes; the table keeps their
 * SHA-256 with the account and an expiry, so logging out, a password reset or removing the account ends the
 * session at once, and a copy of the database opens none.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { TeamUser } from '../../../shared/ipc';
import type { Database } from '../database';

export const sessionCookie = 'nezha_session';
/** A working day and a half: a session outlives one shift, not a week. */
export const defaultSessionTtlMs = 36 * 60 * 60 * 1000;

export interface SessionOptions {
  now?: () => number;
  ttlMs?: number;
}

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export class SessionStore {
  private readonly now: () => number;
  readonly ttlMs: number;
  constructor(
    private readonly db: Database,
    options: SessionOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.ttlMs = options.ttlMs ?? defaultSessionTtlMs;
  }

  /** A new session for the account: the token to put in the cookie, and when it expires. */
  create(userId: string): { token: string; expiresAt: number } {
    const token = randomBytes(32).toString('base64url');
    const at = this.now();
    const expiresAt = at + this.ttlMs;
    // Expired sessions of anyone go when a new one starts, so the table does not grow without bound.
    this.db.prepare('DELETE FROM team_sessions WHERE expires_at <= ?').run(at);
    this.db
      .prepare('INSERT INTO team_sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)')
      .run(hashToken(token), userId, at, expiresAt);
    return { token, expiresAt };
  }

  /** The account a token belongs to while its session lasts; null for an unknown or expired one. */
  lookup(token: string | null | undefined): TeamUser | null {
    if (!token || token.length > 200) return null;
    const row = this.db
      .prepare(
        `SELECT u.id, u.name, u.role, s.expires_at FROM team_sessions s JOIN team_users u ON u.id = s.user_id
         WHERE s.token_hash = ?`,
      )
      .get(hashToken(token)) as
      { id: string; name: string; role: TeamUser['role']; expires_at: number } | undefined;
    if (!row) return null;
    if (Number(row.expires_at) <= this.now()) {
      this.destroy(token);
      return null;
    }
    return { id: row.id, name: row.name, role: row.role };
  }

  destroy(token: string): void {
    this.db.prepare('DELETE FROM team_sessions WHERE token_hash = ?').run(hashToken(token));
  }
}

/**
 * The Set-Cookie value of a session: HttpOnly (no script reads it), SameSite=Strict (no other site's page
 * sends it), Path=/, Max-Age, and Secure when the server speaks TLS (behind a TLS proxy, pass `secure`).
 */
export function sessionCookieHeader(token: string, maxAgeMs: number, secure: boolean): string {
  const parts = [
    `${sessionCookie}=${token}`,
    'HttpOnly',
    'SameSite=Strict',
    'Path=/',
    `Max-Age=${Math.max(0, Math.floor(maxAgeMs / 1000))}`,
  ];
  if (secure) parts.push('Secure');
  return parts.join('; ');
}

/** Clears the cookie (logout). */
export function clearedSessionCookieHeader(secure: boolean): string {
  return sessionCookieHeader('', 0, secure);
}
