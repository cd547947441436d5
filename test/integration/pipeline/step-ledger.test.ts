/** A step that fails after spending tokens still leaves its calls in the ledger. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { books, runs } from '../../../db/schema/index.ts';
import { ZERO_USAGE } from '../../../src/llm/index.ts';
import { createHotPath } from '../../../src/run/hot-path.ts';
import { runStep } from '../../../src/run/step.ts';
import { createTestDb, type TestDb } from '../../support/db.ts';

let db: TestDb;
const runId = 'run-20261121-ledger';
const accountId = '00000000-0000-4000-8000-000000000001';

beforeAll(async () => {
  db = await createTestDb();
  const [book] = await db.db.insert(books).values({ name: 'ledger' }).returning();
  await db.db.insert(runs).values({ id: runId, bookId: book?.id ?? '', runKey: 'manual-ledger' });
});
afterAll(async () => db.drop());

describe('when a step throws after a model call', () => {
  it('rethrows, ledgers the call with the error, and stores no result', async () => {
    const usage = { ...ZERO_USAGE, input: 1_200, output: 80 };
    const failing = runStep(createHotPath(db), { runId, accountId, step: 'draft' }, 2, async (recordCall) => {
      recordCall({ runId, accountId, step: 'draft', callId: `${runId}.${accountId}.draft.a2.c1`, callKind: 'structured', model: 'claude-sonnet-5-5', status: 'invalid_output', usage, costUsd: 0.0048, durationMs: 12.4 });
      throw new Error('draft output rejected: recipient is do-not-contact');
    });
    await expect(failing).rejects.toThrow('recipient is do-not-contact');
    const calls = await db.sql`select id, status, input_tokens, output_tokens, error from llm_calls where run_id = ${runId}`;
    expect(calls).toEqual([
      {
        id: `${runId}.${accountId}.draft.a2.c1`,
        status: 'invalid_output',
        input_tokens: 1_200,
        output_tokens: 80,
        error: 'draft output rejected: recipient is do-not-contact',
      },
    ]);
    const steps = await db.sql`select count(*)::int as n from step_results where run_id = ${runId}`;
    expect(steps[0]?.['n']).toBe(0);
  });
});
