import { z } from 'zod';
import type { DatasetProgress, TeamSessionInfo, TeamTask, TeamUser } from '../records/team';
import { teamRoleSchema } from '../records/team';
import { annotatorNameSchema as authorSchema } from '../records/settings';
import { idSchema, none } from './primitives';

const passwordSchema = z.string().min(8, 'the password is shorter than 8 characters').max(1024);

/**
 * The team layer (issue 17). Login and logout are HTTP routes of the team server (/auth/login,
 * /auth/logout), since they set and clear the session cookie; these channels work on both transports.
 * In team mode `author` is replaced by the session's account name before the handler runs.
 */
export const teamChannels = {
  /** Whether the host is a team server and who is logged in (a single-user host: team false, user null). */
  'team.session': { request: none, response: {} as TeamSessionInfo },
  'team.users': { request: none, response: {} as TeamUser[] },
  'team.addUser': {
    request: z.object({ name: authorSchema, role: teamRoleSchema, password: passwordSchema }).strict(),
    response: {} as TeamUser,
  },
  'team.removeUser': {
    request: z.object({ name: authorSchema }).strict(),
    response: {} as { removed: boolean },
  },
  /** A new password (and role, when given); ends the account's sessions. */
  'team.resetUser': {
    request: z
      .object({ name: authorSchema, password: passwordSchema, role: teamRoleSchema.optional() })
      .strict(),
    response: {} as TeamUser,
  },
  /** How many annotators see each example of the dataset (default 1). */
  'team.setOverlap': {
    request: z.object({ datasetId: idSchema, overlap: z.number().int().min(1).max(50) }).strict(),
    response: {} as { overlap: number },
  },
  /** The author's next example, leased to them; null when nothing is left for them. */
  'team.next': {
    request: z.object({ datasetId: idSchema, author: authorSchema }).strict(),
    response: {} as TeamTask | null,
  },
  /** Gives a leased example back before its lease runs out (skip). */
  'team.release': {
    request: z.object({ exampleId: z.number().int().positive(), author: authorSchema }).strict(),
    response: {} as { released: boolean },
  },
  'team.progress': {
    request: z.object({ datasetId: idSchema }).strict(),
    response: {} as DatasetProgress,
  },
} as const;
