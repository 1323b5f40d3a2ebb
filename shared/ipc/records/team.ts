/** The team layer's records (issue 17): accounts, roles, task routing and team-wide agreement. */
import { z } from 'zod';
import type { KappaResult, SpanAgreement } from '../../metrics/agreement';

/**
 * admin: everything, including accounts, imports, exports and removals. reviewer: reads every annotator's
 * work, sets overlap, adjudicates into gold. annotator: annotates the examples their queue hands them and
 * sees only their own work.
 */
export const teamRoles = ['admin', 'reviewer', 'annotator'] as const;
export const teamRoleSchema = z.enum(teamRoles);
export type TeamRole = z.infer<typeof teamRoleSchema>;

export interface TeamUser {
  id: string;
  name: string;
  role: TeamRole;
}

/** What the host says about who is asking: single-user hosts answer `team: false`. */
export interface TeamSessionInfo {
  team: boolean;
  user: TeamUser | null;
}

/** The example a queue hands out, leased to the annotator until `leaseExpiresAt` (ms since epoch). */
export interface TeamTask {
  exampleId: number;
  leaseExpiresAt: number;
}

export interface AnnotatorProgress {
  annotator: string;
  /** Examples of the dataset this annotator edited. */
  done: number;
  /** Examples leased to them right now and not done yet. */
  leased: number;
}

export interface DatasetProgress {
  datasetId: string;
  overlap: number;
  examples: number;
  /** Examples with `overlap` annotators or more: nothing more to route. */
  complete: number;
  /** Annotations made, counting one per annotator per example, and how many the overlap asks for. */
  annotations: number;
  annotationsNeeded: number;
  annotators: AnnotatorProgress[];
}

export interface PairAgreement {
  authorA: string;
  authorB: string;
  /** Examples both edited. */
  examples: number;
  overall: SpanAgreement;
  kappa: KappaResult;
}

export interface FleissKappa {
  /** Examples with two or more annotators (the items' characters are the rated units). */
  examples: number;
  characters: number;
  /** P̄: mean agreement per character across its annotators' pairs. */
  observed: number;
  /** P̄_e: Σ p_j² over categories. */
  expected: number;
  /** (P̄ − P̄_e) / (1 − P̄_e); null when P̄_e = 1 or nothing was rated twice. */
  kappa: number | null;
}

/** Who put an example's gold version in place, and when (from its history). */
export interface AdjudicationDecision {
  exampleId: number;
  index: number;
  author: string | null;
  op: string;
  at: string;
}

export interface TeamAgreement {
  datasetId: string;
  annotators: string[];
  pairs: PairAgreement[];
  fleiss: FleissKappa;
  decisions: AdjudicationDecision[];
}
