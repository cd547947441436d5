/**
 * A rep's verdict on a review item — accept, edit or reject — and, for an approved draft, the
 * outbox rows of its side effects (CRM write-back, hand-off to sending), all in one transaction:
 * the rows exist if and only if the approval committed (reliability-and-security.md §2.6, S3, M5).
 *
 * - Exactly one decision per item: the item row is locked and updated only while `pending`; a
 *   second decision (double click, two tabs, two managers) gets `conflict` naming who decided and
 *   when, and writes nothing.
 * - Authorisation at the service layer: the item's owner rep or a manager, nobody else.
 * - The payload is built only from the approved records in Postgres — the stored draft (recipient
 *   from the draft the guardrails checked, text from the draft or the rep's edit) and the account
 *   row — never from anything a model says later. The relay sends exactly that.
 * - Each artifact gets its own verdict (./artifact-verdict.ts), the item keeps what was approved
 *   and how far the rep's edit moved it, and the account's memory learns from the decision — all
 *   in the same transaction, so a decision that does not commit teaches nothing.
 */
import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { inTransaction, type DbOrTx } from '../../db/client.ts';
import {
  accounts,
  artifacts,
  BRIEF_VERDICTS,
  contacts,
  outbox,
  REJECT_REASONS,
  reps,
  reviewItems,
  TIER_VERDICTS,
  type ArtifactStatus,
  type OutboxKind,
  type Workflow,
} from '../../db/schema/index.ts';
import { MAX_BODY_LENGTH, MAX_SUBJECT_LENGTH } from '../agents/draft.ts';
import { emitAudit } from '../audit/index.ts';
import { AppError } from '../errors.ts';
import { memoryFromDecision, rememberItems } from '../memory/index.ts';
import { CrmWritebackPayload, outboxKey, SendHandoffPayload } from '../outbox/payloads.ts';
import { artifactVerdict } from './artifact-verdict.ts';
import { measureEdit } from './edit-distance.ts';
import { REJECT_REASON_LABELS } from './reject-reasons.ts';

/** Longest decision note kept; a note is a reason, not a document. */
export const MAX_DECISION_NOTE_LENGTH = 2_000;

export const EditedDraft = z
  .object({
    subject: z
      .string()
      .trim()
      .min(1, 'subject is empty')
      .max(MAX_SUBJECT_LENGTH, `subject is longer than ${MAX_SUBJECT_LENGTH} characters`)
      .refine((s) => !/[\r\n]/.test(s), 'subject must be one line'),
    body: z.string().trim().min(1, 'body is empty').max(MAX_BODY_LENGTH, `body is longer than ${MAX_BODY_LENGTH} characters`),
  })
  .strict();
export type EditedDraft = z.infer<typeof EditedDraft>;

export const ReviewVerdict = z.enum(['accepted', 'edited', 'rejected']);
export type ReviewVerdict = z.infer<typeof ReviewVerdict>;

export const DecideReviewItemInput = z
  .object({
    itemId: z.uuid(),
    /** The signed-in rep, from the authenticated session, never from request input. */
    deciderRepId: z.uuid(),
    verdict: ReviewVerdict,
    /** The rep's version of the draft; required for `edited`, refused otherwise. */
    edited: EditedDraft.optional(),
    /** The rep's words; required (non-empty) when the reject reason is `other`. */
    note: z.string().trim().max(MAX_DECISION_NOTE_LENGTH, `note is longer than ${MAX_DECISION_NOTE_LENGTH} characters`).optional(),
    /** Why the item was rejected; required for `rejected`, refused otherwise. */
    rejectReason: z.enum(REJECT_REASONS).optional(),
    /** Optional quick verdict on the research brief; only for items that show one. */
    briefVerdict: z.enum(BRIEF_VERDICTS).optional(),
    /** Optional quick verdict on the tier; only for items that show one. */
    tierVerdict: z.enum(TIER_VERDICTS).optional(),
  })
  .strict()
  .superRefine((input, ctx) => {
    if (input.verdict === 'edited' && !input.edited) ctx.addIssue({ code: 'custom', path: ['edited'], message: 'required when the verdict is edited' });
    if (input.verdict !== 'edited' && input.edited) ctx.addIssue({ code: 'custom', path: ['edited'], message: `only allowed when the verdict is edited, not ${input.verdict}` });
    if (input.verdict === 'rejected' && !input.rejectReason)
      ctx.addIssue({ code: 'custom', path: ['rejectReason'], message: `required when the verdict is rejected (one of ${REJECT_REASONS.join(', ')})` });
    if (input.verdict !== 'rejected' && input.rejectReason)
      ctx.addIssue({ code: 'custom', path: ['rejectReason'], message: `only allowed when the verdict is rejected, not ${input.verdict}` });
    if (input.rejectReason === 'other' && !input.note) ctx.addIssue({ code: 'custom', path: ['note'], message: 'required when the reject reason is other: say what was wrong' });
  });
export type DecideReviewItemInput = z.input<typeof DecideReviewItemInput>;

export type DecideReviewItemResult = {
  itemId: string;
  status: ReviewVerdict;
  decidedBy: string;
  decidedAt: Date;
  artifacts: Array<{ id: string; workflow: Workflow; status: ArtifactStatus }>;
  /** The side effects queued by this approval (empty for rejections and items without a draft). */
  outbox: Array<{ id: string; kind: OutboxKind; idempotencyKey: string }>;
  /** Levenshtein distance from the model's draft to the approved text: 0 for an accept, null for a rejection or an item without a draft. */
  editDistance: number | null;
  /** `editDistance` over the longer text (0 = unchanged, 1 = rewritten); null like `editDistance`. */
  editRatio: number | null;
  /** Memory items this decision inserted or refreshed for the account. */
  memoryWritten: number;
};

/** The stored draft fields the side effects need; checked again because jsonb is not typed. */
const StoredDraft = z.object({ to: z.string().trim().min(3), recipientName: z.string().optional(), subject: z.string().min(1), body: z.string().min(1) });

/** The draft's text for edit distance and memory; lenient, so a partial draft still gets a verdict. */
const StoredDraftText = z.object({ subject: z.string().catch(''), body: z.string().catch(''), recipientName: z.string().optional().catch(undefined) });

/** The brief's facts, for the avoid item a `wrong_facts` verdict writes. */
const BriefFacts = z.object({ summary: z.string().catch(''), facts: z.array(z.object({ text: z.string() })).catch([]) });

/**
 * Records a rep's decision on a review item, scores each artifact it covers, queues the side
 * effects of an approved draft and feeds the account's memory, in one transaction.
 * Errors: `validation` (bad input, an edit or quick verdict the item cannot take), `not_found`,
 * `forbidden` (not the owner or a manager), `conflict` (already decided), `precondition_failed`
 * (the draft cannot be sent any more; reject it instead).
 */
export async function decideReviewItem(db: DbOrTx, input: DecideReviewItemInput): Promise<DecideReviewItemResult> {
  const parsed = DecideReviewItemInput.safeParse(input);
  if (!parsed.success) throw new AppError('validation', `decideReviewItem: ${z.prettifyError(parsed.error)}`, { cause: parsed.error });
  const { itemId, deciderRepId, verdict, edited, note, rejectReason, briefVerdict, tierVerdict } = parsed.data;

  return inTransaction(db, async (tx) => {
    const [decider] = await tx.select({ id: reps.id, email: reps.email, role: reps.role }).from(reps).where(eq(reps.id, deciderRepId));
    if (!decider) throw new AppError('forbidden', `decideReviewItem: no rep ${deciderRepId}; only a known rep or manager may decide a review item`);

    // The row lock serialises concurrent decisions: the second waits, then reads the first's verdict.
    const [item] = await tx
      .select({ id: reviewItems.id, runId: reviewItems.runId, accountId: reviewItems.accountId, ownerRepId: reviewItems.ownerRepId, status: reviewItems.status, workflows: reviewItems.workflows })
      .from(reviewItems)
      .where(eq(reviewItems.id, itemId))
      .for('update');
    if (!item) throw new AppError('not_found', `review item ${itemId} not found`);
    // Authorisation before the conflict check, so a stranger learns nothing about who decided.
    if (decider.role !== 'manager' && item.ownerRepId !== decider.id)
      throw new AppError('forbidden', `${decider.email} may not decide review item ${itemId}: it belongs to another rep (only its owner or a manager may)`);
    if (item.status !== 'pending') throw await alreadyDecided(tx, itemId);

    const linked = await tx
      .select({ id: artifacts.id, workflow: artifacts.workflow, status: artifacts.status, content: artifacts.content, citedFacts: artifacts.citedFacts })
      .from(artifacts)
      .where(eq(artifacts.reviewItemId, itemId));
    const draft = linked.find((a) => a.workflow === 'drafting');
    const brief = linked.find((a) => a.workflow === 'research');
    const covers = item.workflows.join(', ');
    if (verdict === 'edited' && !draft) throw new AppError('validation', `review item ${itemId} has no draft to edit (it covers ${covers}); accept or reject it`);
    if (briefVerdict && !brief) throw new AppError('validation', `review item ${itemId} shows no research brief (it covers ${covers}); leave briefVerdict out`);
    if (tierVerdict && !linked.some((a) => a.workflow === 'prioritization'))
      throw new AppError('validation', `review item ${itemId} shows no tier (it covers ${covers}); leave tierVerdict out`);

    const draftText = draft ? StoredDraftText.parse(draft.content) : null;
    // What was approved: the model's text for an accept, the rep's for an edit; nothing for a rejection.
    const finalContent = verdict === 'rejected' || !draftText ? null : (edited ?? { subject: draftText.subject, body: draftText.body });
    const measured = draftText && finalContent ? measureEdit(draftText, finalContent) : null;

    const [decided] = await tx
      .update(reviewItems)
      .set({
        status: verdict,
        decidedBy: decider.id,
        decidedAt: sql`now()`,
        editedContent: edited ?? null,
        decisionNote: note || null,
        rejectReason: rejectReason ?? null,
        briefVerdict: briefVerdict ?? null,
        tierVerdict: tierVerdict ?? null,
        finalContent,
        editDistance: measured?.editDistance ?? null,
        editRatio: measured?.editRatio ?? null,
      })
      .where(and(eq(reviewItems.id, itemId), eq(reviewItems.status, 'pending')))
      .returning({ decidedAt: reviewItems.decidedAt });
    // Unreachable under the row lock; kept so the invariant never rests on the lock alone.
    if (!decided?.decidedAt) throw await alreadyDecided(tx, itemId);

    const updated: DecideReviewItemResult['artifacts'] = [];
    let briefWrong = false;
    for (const artifact of linked) {
      const outcome = artifactVerdict({ workflow: artifact.workflow, verdict, drafted: Boolean(draft), rejectReason, briefVerdict, tierVerdict });
      if (artifact.workflow === 'research' && outcome.verdictReason === 'wrong_facts') briefWrong = true;
      if (artifact.status !== 'pending_review') {
        updated.push({ id: artifact.id, workflow: artifact.workflow, status: artifact.status });
        continue;
      }
      await tx
        .update(artifacts)
        .set({ status: outcome.status, verdictReason: outcome.verdictReason })
        .where(and(eq(artifacts.id, artifact.id), eq(artifacts.status, 'pending_review')));
      updated.push({ id: artifact.id, workflow: artifact.workflow, status: outcome.status });
    }

    const queued: DecideReviewItemResult['outbox'] = [];
    if (verdict !== 'rejected' && draft) {
      const effects = await buildEffects(tx, { item, verdict, draftContent: draft.content, edited, decider, decidedAt: decided.decidedAt });
      const inserted = await tx
        .insert(outbox)
        .values(effects.map((e) => ({ kind: e.kind, idempotencyKey: outboxKey(e.kind, itemId), reviewItemId: itemId, runId: item.runId, accountId: item.accountId, payload: e.payload })))
        // The key is unique: whatever races past the item lock still yields one row per effect.
        .onConflictDoNothing({ target: outbox.idempotencyKey })
        .returning({ id: outbox.id, kind: outbox.kind, idempotencyKey: outbox.idempotencyKey });
      queued.push(...inserted);
    }

    // Same transaction as the verdict: memory never learns from a decision that rolled back.
    const memoryItems = memoryFromDecision({
      reviewItemId: itemId,
      verdict,
      decidedAt: decided.decidedAt,
      draft: draftText,
      edited: edited ?? null,
      rejectReason: rejectReason ? { code: rejectReason, label: REJECT_REASON_LABELS[rejectReason] } : null,
      note: note || null,
      wrongFacts: briefWrong && brief ? factsOf(brief) : null,
    });
    const remembered = await rememberItems(tx, { accountId: item.accountId, runId: item.runId, items: memoryItems });
    const memoryWritten = remembered.inserted + remembered.refreshed;

    await emitAudit(tx, {
      actor: decider.email,
      action: `review_item.${verdict}`,
      entity: 'review_item',
      entityId: itemId,
      data: {
        runId: item.runId,
        accountId: item.accountId,
        repId: decider.id,
        role: decider.role,
        workflows: item.workflows,
        hasNote: Boolean(note),
        rejectReason: rejectReason ?? null,
        briefVerdict: briefVerdict ?? null,
        tierVerdict: tierVerdict ?? null,
        editDistance: measured?.editDistance ?? null,
        memoryWritten,
        outbox: queued.map((o) => o.idempotencyKey),
      },
    });

    return {
      itemId,
      status: verdict,
      decidedBy: decider.id,
      decidedAt: decided.decidedAt,
      artifacts: updated,
      outbox: queued,
      editDistance: measured?.editDistance ?? null,
      editRatio: measured?.editRatio ?? null,
      memoryWritten,
    };
  });
}

/** The brief's fact texts (from its content, else the artifact's cited facts), else its summary. */
function factsOf(brief: { content: Record<string, unknown>; citedFacts: Array<Record<string, unknown>> }): string[] {
  const parsed = BriefFacts.parse(brief.content);
  const cited = brief.citedFacts.map((f) => f['text']).filter((t): t is string => typeof t === 'string');
  const facts = parsed.facts.length > 0 ? parsed.facts.map((f) => f.text) : cited;
  return facts.length > 0 ? facts : parsed.summary.trim() ? [parsed.summary] : [];
}

async function alreadyDecided(tx: DbOrTx, itemId: string): Promise<AppError> {
  const [row] = await tx
    .select({ status: reviewItems.status, decidedAt: reviewItems.decidedAt, email: reps.email })
    .from(reviewItems)
    .leftJoin(reps, eq(reps.id, reviewItems.decidedBy))
    .where(eq(reviewItems.id, itemId));
  const who = row?.email ?? 'an unknown rep';
  const when = row?.decidedAt ? row.decidedAt.toISOString() : 'an unknown time';
  return new AppError('conflict', `review item ${itemId} was already ${row?.status ?? 'decided'} by ${who} at ${when}; this second decision was not recorded`);
}

type EffectsInput = {
  item: { id: string; accountId: string };
  verdict: 'accepted' | 'edited';
  draftContent: Record<string, unknown>;
  edited: EditedDraft | undefined;
  decider: { id: string; email: string };
  decidedAt: Date;
};

async function buildEffects(tx: DbOrTx, input: EffectsInput): Promise<Array<{ kind: OutboxKind; payload: Record<string, unknown> }>> {
  const { item } = input;
  const stored = StoredDraft.safeParse(input.draftContent);
  if (!stored.success)
    throw new AppError('precondition_failed', `review item ${item.id}: the stored draft is not a sendable draft (${z.prettifyError(stored.error)}); reject the item instead`, { cause: stored.error });
  const draft = stored.data;

  // Re-checked at approval, not only when drafted: a contact may have opted out overnight.
  const matches = await tx
    .select({ name: contacts.name, email: contacts.email, doNotContact: contacts.doNotContact })
    .from(contacts)
    .where(and(eq(contacts.accountId, item.accountId), sql`lower(trim(${contacts.email})) = ${draft.to.toLowerCase()}`));
  if (matches.length === 0) throw new AppError('precondition_failed', `review item ${item.id}: recipient ${draft.to} is no longer a contact of the account; reject the item instead`);
  if (matches.some((c) => c.doNotContact)) throw new AppError('precondition_failed', `review item ${item.id}: recipient ${draft.to} is now marked do-not-contact; reject the item instead`);

  const [account] = await tx.select({ externalId: accounts.externalId }).from(accounts).where(eq(accounts.id, item.accountId));
  if (!account) throw new AppError('not_found', `account ${item.accountId} of review item ${item.id} not found`);

  const recipient = { email: draft.to, name: draft.recipientName ?? matches[0]?.name ?? '' };
  const subject = input.edited?.subject ?? draft.subject;
  const body = input.edited?.body ?? draft.body;
  const crm = CrmWritebackPayload.parse({
    accountExternalId: account.externalId,
    accountId: item.accountId,
    recipient,
    subject,
    body,
    reviewItemId: item.id,
    verdict: input.verdict,
    decidedBy: { repId: input.decider.id, email: input.decider.email },
    decidedAt: input.decidedAt.toISOString(),
  });
  const send = SendHandoffPayload.parse({ recipient, subject, body, reviewItemId: item.id });
  return [
    { kind: 'crm_writeback', payload: crm },
    { kind: 'send_handoff', payload: send },
  ];
}
