/**
 * Request input of the web app, validated with zod: queue filters (query string, shared by the
 * page and the API), decisions (form fields or a JSON body) and bulk accepts. Everything that
 * says who is acting comes from the session, never from here.
 */
import { z } from 'zod';
import { BRIEF_VERDICTS, REJECT_REASONS, REVIEW_ITEM_STATUSES, TIER_VERDICTS, WORKFLOWS } from '../../db/schema/index.ts';
import { AppError } from '../errors.ts';
import { MAX_BULK_ACCEPT, MAX_DECISION_NOTE_LENGTH, MAX_QUEUE_QUERY_LENGTH, TIERS } from '../review/index.ts';

export { TIERS };

/** Form fields left empty mean "not given". */
const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const opt = <T extends z.ZodType>(schema: T) => z.preprocess(blank, schema.optional());

export const QUEUE_PAGE_SIZE = 50;

export const QueueFilters = z.object({
  status: z.preprocess(blank, z.enum([...REVIEW_ITEM_STATUSES, 'all']).default('pending')),
  workflow: opt(z.enum(WORKFLOWS)),
  tier: opt(z.enum(TIERS)),
  run: opt(z.string().trim().max(200)),
  q: opt(z.string().trim().max(MAX_QUEUE_QUERY_LENGTH, `search is longer than ${MAX_QUEUE_QUERY_LENGTH} characters`)),
  cursor: opt(z.uuid('cursor is not a valid page cursor')),
  limit: z.preprocess(blank, z.coerce.number().int().min(1).max(200).default(QUEUE_PAGE_SIZE)),
});
export type QueueFilters = z.infer<typeof QueueFilters>;

/** A zod failure as one readable sentence: `tier: Invalid option: expected one of "A"|"B"…`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.map(String).join('.');
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
}

export function parseQueueFilters(query: Record<string, string>): QueueFilters {
  const parsed = QueueFilters.safeParse(query);
  if (!parsed.success) throw new AppError('validation', `Invalid queue filter — ${describeIssues(parsed.error)}`, { cause: parsed.error });
  return parsed.data;
}

/** The filters as a query string (without the cursor unless asked), for links that keep them. */
export function filterQuery(filters: QueueFilters, override: Partial<Record<keyof QueueFilters, string | undefined>> = {}): string {
  const values: Record<string, string | undefined> = {
    status: filters.status === 'pending' ? undefined : filters.status,
    workflow: filters.workflow,
    tier: filters.tier,
    run: filters.run,
    q: filters.q,
    ...override,
  };
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) if (value !== undefined && value !== '') params.set(key, value);
  const s = params.toString();
  return s ? `?${s}` : '';
}

/** A decision as the API takes it (JSON). `decideReviewItem` checks the combinations again. */
export const DecisionBody = z
  .object({
    verdict: z.enum(['accepted', 'edited', 'rejected']),
    edited: z.object({ subject: z.string(), body: z.string() }).strict().optional(),
    rejectReason: z.enum(REJECT_REASONS).optional(),
    note: z.string().max(MAX_DECISION_NOTE_LENGTH, `note is longer than ${MAX_DECISION_NOTE_LENGTH} characters`).optional(),
    briefVerdict: z.enum(BRIEF_VERDICTS).optional(),
    tierVerdict: z.enum(TIER_VERDICTS).optional(),
  })
  .strict()
  .superRefine((input, ctx) => {
    if (input.verdict === 'edited' && !input.edited) ctx.addIssue({ code: 'custom', path: ['edited'], message: 'an edit needs the edited subject and body' });
    if (input.verdict === 'rejected' && !input.rejectReason) ctx.addIssue({ code: 'custom', path: ['rejectReason'], message: 'choose why you reject it' });
    if (input.verdict !== 'rejected' && input.rejectReason) ctx.addIssue({ code: 'custom', path: ['rejectReason'], message: 'only a rejection has a reason' });
    if (input.rejectReason === 'other' && !input.note?.trim()) ctx.addIssue({ code: 'custom', path: ['note'], message: 'say why in a few words when the reason is "Other"' });
  });
export type DecisionBody = z.infer<typeof DecisionBody>;

export function parseDecisionJson(body: unknown): DecisionBody {
  const parsed = DecisionBody.safeParse(body);
  if (!parsed.success) throw new AppError('validation', `Invalid decision — ${describeIssues(parsed.error)}`, { cause: parsed.error });
  return parsed.data;
}

const field = (form: Record<string, unknown>, name: string): string | undefined => {
  const value = form[name];
  return typeof value === 'string' ? value : undefined;
};

/** A decision from the item page's form: blank fields are absent; subject/body count only for an edit. */
export function parseDecisionForm(form: Record<string, unknown>): DecisionBody {
  const verdict = field(form, 'verdict');
  const subject = field(form, 'subject');
  const body = field(form, 'body');
  const input: Record<string, unknown> = {
    verdict,
    rejectReason: verdict === 'rejected' ? blank(field(form, 'rejectReason')) : undefined,
    note: blank(field(form, 'note')),
    briefVerdict: blank(field(form, 'briefVerdict')),
    tierVerdict: blank(field(form, 'tierVerdict')),
    edited: verdict === 'edited' ? { subject: subject ?? '', body: body ?? '' } : undefined,
  };
  for (const key of Object.keys(input)) if (input[key] === undefined) delete input[key];
  return parseDecisionJson(input);
}

export const MAX_BULK = MAX_BULK_ACCEPT;

export const BulkBody = z
  .object({ itemIds: z.array(z.uuid('is not a review item id')).min(1, 'select at least one item').max(MAX_BULK, `at most ${MAX_BULK} items at once`) })
  .strict();

export function parseBulkJson(body: unknown): string[] {
  const parsed = BulkBody.safeParse(body);
  if (!parsed.success) throw new AppError('validation', `Invalid bulk accept — ${describeIssues(parsed.error)}`, { cause: parsed.error });
  return [...new Set(parsed.data.itemIds)];
}

/** The `ids` checkboxes of the queue page's form (one value or several). */
export function parseBulkForm(form: Record<string, unknown>): string[] {
  const raw = form['ids'];
  const ids = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  return parseBulkJson({ itemIds: ids.filter((v): v is string => typeof v === 'string') });
}

/** A review item id from the path; anything that is not a uuid names no item (404, not 400). */
export function parseItemId(value: string): string {
  if (!z.uuid().safeParse(value).success) throw new AppError('not_found', 'No such review item.');
  return value;
}
