/**
 * `user add|remove|reset|list`: the team server's accounts (issue 17), on the data dir's database. The
 * password comes from NEZHA_USER_PASSWORD or the first line of stdin (--password-stdin), never from a flag:
 * a command line is visible to every user of the machine (ps). Takes the data dir's lock like any start, so
 * it runs while the team server is stopped; with the server up, an admin uses the team.* channels instead.
 */
import { join } from 'node:path';
import { teamRoles } from '../../../shared/ipc';
import { databaseFileName, openDatabase } from '../../services/database';
import { lockDataDir } from '../../services/dataDirLock';
import { ServiceError } from '../../services/errors';
import { AccountStore } from '../../services/team/accounts';
import { CliError, parseCommandArgs, type Command } from '../command';

async function readFirstLine(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) {
    text += chunk.toString();
    if (text.includes('\n')) break;
  }
  return text.split(/\r?\n/)[0] ?? '';
}

export const command: Command = {
  name: 'user',
  summary: 'add, remove, reset or list team server accounts',
  usage:
    'user add NAME --role admin|reviewer|annotator | user remove NAME | user reset NAME [--role ROLE] | user list\n\n' +
    'The password is read from NEZHA_USER_PASSWORD, or from the first line of stdin with --password-stdin\n' +
    "(at least 8 characters). reset sets a new password (and role) and ends the account's sessions.\n" +
    'Run it while the team server is stopped (it uses the same --data-dir).',
  async run(args, context) {
    const { values, positionals } = parseCommandArgs(this, args, {
      role: { type: 'string' },
      'password-stdin': { type: 'boolean', default: false },
    });
    const [action, name, ...rest] = positionals;
    if (!action || !['add', 'remove', 'reset', 'list'].includes(action))
      throw new CliError(`user: say what to do: add, remove, reset or list (got ${action ?? 'nothing'})`);
    if (action !== 'list' && !name)
      throw new CliError(`user ${action}: name the account (user ${action} NAME)`);
    if (rest.length > 0) throw new CliError(`user ${action}: one name only; unexpected ${rest.join(' ')}`);
    if (values.role !== undefined && !(teamRoles as readonly string[]).includes(values.role))
      throw new CliError(`user: --role must be one of ${teamRoles.join(', ')}, got "${values.role}"`);
    if (action === 'add' && values.role === undefined)
      throw new CliError(`user add: give the role with --role ${teamRoles.join('|')}`);

    const password = async () => {
      const value = values['password-stdin']
        ? await readFirstLine(process.stdin)
        : context.env.NEZHA_USER_PASSWORD;
      if (value === undefined || value === '')
        throw new CliError(
          `user ${action}: set NEZHA_USER_PASSWORD or pipe the password with --password-stdin`,
        );
      return value;
    };

    const lock = lockDataDir(context.dataDir, 'cli user');
    const db = openDatabase(join(context.dataDir, databaseFileName));
    try {
      const accounts = new AccountStore(db);
      if (action === 'list') {
        for (const user of accounts.list()) context.out(`${user.name}\t${user.role}`);
        return;
      }
      if (action === 'add') {
        const user = await accounts.add(name!, values.role!, await password());
        context.out(`Added ${user.name} (${user.role}).`);
      } else if (action === 'reset') {
        const user = await accounts.reset(name!, await password(), values.role);
        context.out(`Reset ${user.name} (${user.role}); their sessions are ended.`);
      } else {
        accounts.remove(name!);
        context.out(`Removed ${name}; their annotations stay under their name.`);
      }
    } catch (error) {
      if (error instanceof ServiceError)
        throw new CliError(`user ${action}: ${error.message}`, { cause: error });
      throw error;
    } finally {
      db.close();
      lock.release();
    }
  },
};
