/**
 * `bookrun reps add`: creates or updates a rep or manager and mints a one-time sign-in link.
 * Idempotent per email (lower-cased): running it again updates the name, role and time zone and
 * issues a fresh link, which replaces every earlier unused link of that rep.
 */
import { and, eq, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import { inTransaction, type DbOrTx } from '../../db/client.ts';
import { reps, signInTokens } from '../../db/schema/index.ts';
import { emitAudit } from '../audit/index.ts';
import { AppError } from '../errors.ts';
import { hashSecret, newSecret } from './secrets.ts';
import type { SessionRep } from './types.ts';

/** True when `zone` is an IANA time zone this runtime knows. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const AddRepInput = z.object({
  email: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.email({ message: 'is not an email address' })),
  name: z.string().trim().min(1, 'is empty').max(200, 'is longer than 200 characters'),
  role: z.enum(['rep', 'manager']),
  /** @defaultValue 'UTC' for a new rep; an existing rep keeps theirs unless one is given. */
  timeZone: z
    .string()
    .trim()
    .refine(isTimeZone, 'is not an IANA time zone (e.g. Europe/Berlin, America/New_York)')
    .optional(),
});
export type AddRepInput = z.input<typeof AddRepInput>;

export type AddRepOptions = {
  /** Origin reps open, without a trailing slash (config.web.publicUrl). */
  publicUrl: string;
  signInTtlMs: number;
  /** Who ran the command, for the audit log. @defaultValue 'cli' */
  actor?: string;
};

export type AddRepResult = { rep: SessionRep; created: boolean; signInUrl: string; expiresAt: Date };

export async function addRep(db: DbOrTx, input: AddRepInput, options: AddRepOptions): Promise<AddRepResult> {
  const parsed = AddRepInput.safeParse(input);
  if (!parsed.success) {
    const why = parsed.error.issues.map((i) => `${i.path.join('.') || 'input'} ${i.message}`).join('; ');
    throw new AppError('validation', `reps add: ${why}`, { cause: parsed.error });
  }
  const { email, name, role, timeZone } = parsed.data;
  const token = newSecret();
  const actor = options.actor ?? 'cli';

  return inTransaction(db, async (tx) => {
    const [existing] = await tx.select({ id: reps.id }).from(reps).where(eq(reps.email, email)).for('update');
    const values = { name, role, ...(timeZone ? { timeZone } : {}) };
    const [row] = existing
      ? await tx.update(reps).set(values).where(eq(reps.id, existing.id)).returning()
      : await tx.insert(reps).values({ email, ...values }).returning();
    if (!row) throw new Error(`reps add: no row for ${email}`);

    // One live link per rep: a new link makes every older unused one worthless.
    await tx
      .update(signInTokens)
      .set({ usedAt: sql`now()` })
      .where(and(eq(signInTokens.repId, row.id), isNull(signInTokens.usedAt)));
    const [minted] = await tx
      .insert(signInTokens)
      .values({ tokenHash: hashSecret(token), repId: row.id, expiresAt: sql`now() + make_interval(secs => ${options.signInTtlMs / 1000})` })
      .returning({ expiresAt: signInTokens.expiresAt });
    if (!minted) throw new Error('reps add: sign-in link not stored');

    await emitAudit(tx, {
      actor,
      action: existing ? 'rep.updated' : 'rep.created',
      entity: 'rep',
      entityId: row.id,
      data: { email, role, timeZone: row.timeZone, signInLinkExpiresAt: minted.expiresAt.toISOString() },
    });
    return {
      rep: { id: row.id, email: row.email, name: row.name, role: row.role, timeZone: row.timeZone },
      created: !existing,
      signInUrl: `${options.publicUrl}/signin?token=${token}`,
      expiresAt: minted.expiresAt,
    };
  });
}
