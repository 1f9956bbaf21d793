import { randomBytes } from 'node:crypto';
import type { TableClient } from '@azure/data-tables';
import { MAX_KEPT_QUESTION, type AskFeedback, type AskFeedbackStore } from '../domain/policy/ask-feedback.js';
import { escapeKey, odataString } from './keys.js';

const MAX_MS = 9_999_999_999_999;

interface AskFeedbackEntity {
  partitionKey: string;
  rowKey: string;
  at: string;
  clauseIds: string;
  helpful: boolean;
  question?: string;
}

/**
 * Answers' usefulness, one row per press, partition per school, newest first (`<inverted time>|<random>`).
 * Rows are only created. The question is written only when the feedback carries it (the member agreed).
 */
export class AskFeedbackRepository implements AskFeedbackStore {
  constructor(private readonly table: TableClient) {}

  async record(f: AskFeedback): Promise<void> {
    const entity: AskFeedbackEntity = {
      partitionKey: escapeKey(f.schoolId),
      rowKey: `${String(MAX_MS - Date.parse(f.at)).padStart(13, '0')}|${randomBytes(4).toString('hex')}`,
      at: f.at,
      clauseIds: f.clauseIds.join(','),
      helpful: f.helpful,
      ...(f.question ? { question: f.question.slice(0, MAX_KEPT_QUESTION) } : {}),
    };
    await this.table.createEntity(entity);
  }

  /** A school's feedback, newest first (subject access searches the questions kept). */
  async *list(schoolId: string): AsyncIterable<AskFeedback> {
    const filter = `PartitionKey eq ${odataString(escapeKey(schoolId))}`;
    for await (const e of this.table.listEntities<AskFeedbackEntity>({ queryOptions: { filter } })) {
      yield { schoolId, at: e.at, clauseIds: e.clauseIds ? e.clauseIds.split(',') : [], helpful: e.helpful, ...(e.question ? { question: e.question } : {}) };
    }
  }
}
