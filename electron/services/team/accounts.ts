/**
 * Team accounts (issue 17): a name, a role and a scrypt password hash. Created by the admin from the CLI
 * (`user add/remove/reset`) or the team channels; never returned with the hash.
 */
import { randomUUID } from 'node:crypto';
import { annotatorNameSchema, teamRoleSchema, type TeamRole, type TeamUser } from '../../../shared/ipc';
import { transaction, type Database } from '../database';
import { ServiceError } from '../errors';
import { checkPasswordStrength, hashPassword, verifyPassword, type ScryptParameters } from './passwords';

interface UserRow {
  id: string;
  name: string;
  role: TeamRole;
  password_hash: string;
}

export interface AccountOptions {
  now?: () => number;
  /** Tests pass cheap parameters; the default is passwords.ts's. */
  scrypt?: ScryptParameters;
}

export class AccountStore {
  private readonly now: () => number;
  constructor(
    private readonly db: Database,
    private readonly options: AccountOptions = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  list(): TeamUser[] {
    const rows = this.db.prepare('SELECT id, name, role FROM team_users ORDER BY name').all();
    return rows as unknown as TeamUser[];
  }

  get(name: string): TeamUser | null {
    const row = this.db.prepare('SELECT id, name, role FROM team_users WHERE name = ?').get(name);
    return (row as unknown as TeamUser | undefined) ?? null;
  }

  byId(id: string): TeamUser | null {
    const row = this.db.prepare('SELECT id, name, role FROM team_users WHERE id = ?').get(id);
    return (row as unknown as TeamUser | undefined) ?? null;
  }

  async add(name: string, role: string, password: string): Promise<TeamUser> {
    const checkedName = checkName(name);
    const checkedRole = checkRole(role);
    checkPassword(password);
    const hash = await hashPassword(password, this.options.scrypt);
    const id = randomUUID();
    const at = this.now();
    // The hash is computed first (slow, async); the existence check and the insert are one transaction.
    return transaction(this.db, () => {
      if (this.get(checkedName)) {
        throw new ServiceError(
          'bad-request',
          `A user named ${JSON.stringify(checkedName)} exists already; use \`user reset\` to change the password.`,
        );
      }
      this.db
        .prepare(
          `INSERT INTO team_users (id, name, role, password_hash, created_at, password_changed_at)
           VALUES (?, ?, ?, ?, ?, ?)`,
        )
        .run(id, checkedName, checkedRole, hash, at, at);
      return { id, name: checkedName, role: checkedRole };
    });
  }

  /** Removes the account and its sessions (cascade); their annotations stay, under their name. */
  remove(name: string): { removed: boolean } {
    return transaction(this.db, () => {
      const user = this.require(name);
      if (user.role === 'admin' && this.adminCount() === 1) {
        throw new ServiceError(
          'bad-request',
          `${JSON.stringify(name)} is the last admin; add another admin before removing this one.`,
        );
      }
      this.db.prepare('DELETE FROM team_sessions WHERE user_id = ?').run(user.id);
      this.db.prepare('DELETE FROM team_users WHERE id = ?').run(user.id);
      return { removed: true };
    });
  }

  /** Sets a new password (and role, when given) and ends the account's sessions. */
  async reset(name: string, password: string, role?: string): Promise<TeamUser> {
    checkPassword(password);
    const checkedRole = role === undefined ? undefined : checkRole(role);
    const hash = await hashPassword(password, this.options.scrypt);
    return transaction(this.db, () => {
      const user = this.require(name);
      const nextRole = checkedRole ?? user.role;
      if (user.role === 'admin' && nextRole !== 'admin' && this.adminCount() === 1) {
        throw new ServiceError(
          'bad-request',
          `${JSON.stringify(name)} is the last admin; it keeps the admin role.`,
        );
      }
      this.db
        .prepare('UPDATE team_users SET password_hash = ?, role = ?, password_changed_at = ? WHERE id = ?')
        .run(hash, nextRole, this.now(), user.id);
      this.db.prepare('DELETE FROM team_sessions WHERE user_id = ?').run(user.id);
      return { ...user, role: nextRole };
    });
  }

  /** The account when name and password match; null otherwise (an unknown name costs a hash too). */
  async verify(name: string, password: string): Promise<TeamUser | null> {
    const row = this.db
      .prepare('SELECT id, name, role, password_hash FROM team_users WHERE name = ?')
      .get(name.trim()) as unknown as UserRow | undefined;
    // Same work for an unknown name, so timing does not tell which names exist.
    const ok = await verifyPassword(password, row?.password_hash ?? (await this.dummyHash()));
    return row && ok ? { id: row.id, name: row.name, role: row.role } : null;
  }

  private dummy: Promise<string> | null = null;
  private dummyHash(): Promise<string> {
    this.dummy ??= hashPassword('not a password of anyone', this.options.scrypt);
    return this.dummy;
  }

  private adminCount(): number {
    const row = this.db.prepare("SELECT COUNT(*) AS n FROM team_users WHERE role = 'admin'").get() as {
      n: number;
    };
    return Number(row.n);
  }

  private require(name: string): TeamUser {
    const user = this.get(name.trim());
    if (!user)
      throw new ServiceError(
        'not-found',
        `No user named ${JSON.stringify(name)}; \`user list\` shows who exists.`,
      );
    return user;
  }
}

function checkName(name: string): string {
  const parsed = annotatorNameSchema.safeParse(name);
  if (!parsed.success) throw new ServiceError('bad-request', `User name: ${parsed.error.issues[0]!.message}`);
  return parsed.data;
}

function checkRole(role: string): TeamRole {
  const parsed = teamRoleSchema.safeParse(role);
  if (!parsed.success)
    throw new ServiceError(
      'bad-request',
      `Role ${JSON.stringify(role)} is not one of admin, reviewer, annotator.`,
    );
  return parsed.data;
}

function checkPassword(password: string): void {
  try {
    checkPasswordStrength(password);
  } catch (error) {
    throw new ServiceError('bad-request', `Password: ${(error as Error).message}.`);
  }
}
