/**
 * The reviewed artifacts the autonomy stats are computed from: one row per artifact a rep (or a
 * manager) decided — accepted, edited or rejected — with its skill version, model, decider and
 * timings. Artifacts nobody reviewed (`unreviewed`, `pending_review`, `auto_approved`) are not
 * evidence of quality and are left out.
 */
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx } from '../../db/client.ts';
import { WORKFLOWS } from '../../db/schema/index.ts';
import { AppError } from '../errors.ts';
import type { ReviewOutcome } from './types.ts';

export const LoadOutcomesInput = z.object({
  /** Only decisions at or after this time (the policy's window). */
  since: z.date(),
  /** Only decisions before this time. @defaultValue no upper end */
  until: z.date().optional(),
  workflow: z.enum(WORKFLOWS).optional(),
});
export type LoadOutcomesInput = z.input<typeof LoadOutcomesInput>;

type Row = {
  workflow: ReviewOutcome['workflow'];
  skill_name: string;
  skill_version: string;
  model: string;
  rep_id: string | null;
  status: ReviewOutcome['status'];
  verdict_reason: string | null;
  edit_distance: number | null;
  edit_ratio: number | string | null;
  filed_at: Date | string;
  first_viewed_at: Date | string | null;
  decided_at: Date | string;
};

const asDate = (v: Date | string) => (v instanceof Date ? v : new Date(v));

export async function loadReviewOutcomes(db: DbOrTx, input: LoadOutcomesInput): Promise<ReviewOutcome[]> {
  const parsed = LoadOutcomesInput.safeParse(input);
  if (!parsed.success) throw new AppError('validation', `loadReviewOutcomes: ${z.prettifyError(parsed.error)}`, { cause: parsed.error });
  const { since, until, workflow } = parsed.data;
  const rows = await db.execute<Row>(sql`
    select a.workflow, a.skill_name, a.skill_version, a.model, i.decided_by as rep_id, a.status, a.verdict_reason,
      -- Edit distance describes the draft's text only; a brief or tier is never edited.
      case when a.workflow = 'drafting' then i.edit_distance end as edit_distance,
      case when a.workflow = 'drafting' then i.edit_ratio end as edit_ratio,
      i.created_at as filed_at, i.first_viewed_at, i.decided_at
    from artifacts a join review_items i on i.id = a.review_item_id
    where a.status in ('accepted', 'edited', 'rejected') and i.decided_at is not null
      and i.decided_at >= ${since.toISOString()}::timestamptz
      ${until ? sql`and i.decided_at < ${until.toISOString()}::timestamptz` : sql``}
      ${workflow ? sql`and a.workflow = ${workflow}` : sql``}
    order by i.decided_at`);
  return rows.map((r) => ({
    workflow: r.workflow,
    skillName: r.skill_name,
    skillVersion: r.skill_version,
    model: r.model,
    repId: r.rep_id,
    status: r.status,
    verdictReason: r.verdict_reason,
    editDistance: r.edit_distance,
    editRatio: r.edit_ratio === null ? null : Number(r.edit_ratio),
    filedAt: asDate(r.filed_at),
    firstViewedAt: r.first_viewed_at === null ? null : asDate(r.first_viewed_at),
    decidedAt: asDate(r.decided_at),
  }));
}
