/**
 * "Was this helpful?" on an answer from the policy: which school, which clauses were shown, yes or no, and when.
 * The question is personal data (it may name a pupil or a colleague): it is kept only when the member ticked that
 * it may be, to improve the answers.
 */
export interface AskFeedback {
  schoolId: string;
  clauseIds: string[];
  helpful: boolean;
  at: string;
  /** Only with the member's agreement. */
  question?: string;
}

export interface AskFeedbackStore {
  record(f: AskFeedback): Promise<void>;
}

/** A question kept with agreement is kept to this length at most. */
export const MAX_KEPT_QUESTION = 500;
