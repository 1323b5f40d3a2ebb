/** Review of double annotation (electron/services/review.ts; metrics in shared/metrics/agreement.ts). */
import type { AgreementReport } from '../../metrics/agreement';

/** A span in a review: annotator A's, B's or the gold version's (id only for stored spans). */
export interface ReviewSpan {
  id?: number;
  start: number;
  end: number;
  label: string;
}

export interface ReviewAuthor {
  author: string;
  /** Annotator spans by this author in the dataset. */
  spans: number;
  /** Examples holding at least one of them. */
  examples: number;
}

export interface ReviewAgreement extends AgreementReport {
  datasetId: string;
  authorA: string;
  authorB: string;
  /** Compared examples whose two versions differ. */
  disagreeing: number;
}

/** One example both annotators edited, with both versions and the current gold spans. */
export interface ReviewItem {
  exampleId: number;
  index: number;
  text: string;
  revision: number;
  a: ReviewSpan[];
  b: ReviewSpan[];
  gold: ReviewSpan[];
  /** A and B have exactly the same spans. */
  agree: boolean;
}

export interface ReviewPage {
  total: number;
  offset: number;
  items: ReviewItem[];
}
