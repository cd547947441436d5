/**
 * Sessions of the web app. A sign-in link is redeemed once, by POST (a GET only shows the
 * confirm page, so mail scanners that prefetch links cannot burn them), into a new session with a
 * fresh id — a session id is never chosen by the browser, so fixation has nothing to fix. Expiry
 * is judged by the database clock, not the web server's.
 */
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import { inTransaction, type DbOrTx } from '../../db/client.ts';
import { reps, signInTokens, webSessions } from '../../db/schema/index.ts';
import { emitAudit } from '../audit/index.ts';
import { AppError } from '../errors.ts';
import { hashSecret, newSecret, SECRET_PATTERN, secretsEqual } from './secrets.ts';
import type { WebSession } from './types.ts';

const INVALID_LINK =
  'This sign-in link is not valid: it was already used, has expired, or was replaced by a newer one. Ask your manager for a new link (bookrun reps add --email YOU --name NAME --role rep).';

/** How stale `last_seen_at` may get before a request refreshes it (one write per minute, not per request). */
const LAST_SEEN_RESOLUTION_S = 60;

export async function redeemSignIn(db: DbOrTx, input: { token: string; sessionTtlMs: number }): Promise<WebSession & { sessionToken: string }> {
  if (!SECRET_PATTERN.test(input.token)) throw new AppError('unauthorized', INVALID_LINK);
  const sessionToken = newSecret();
  const csrfToken = newSecret();
  return inTransaction(db, async (tx) => {
    // Marking the link used is the redemption: of two racing POSTs exactly one gets the row.
    const [link] = await tx
      .update(signInTokens)
      .set({ usedAt: sql`now()` })
      .where(and(eq(signInTokens.tokenHash, hashSecret(input.token)), isNull(signInTokens.usedAt), gt(signInTokens.expiresAt, sql`now()`)))
      .returning({ repId: signInTokens.repId });
    if (!link) throw new AppError('unauthorized', INVALID_LINK);
    const [rep] = await tx.select().from(reps).where(eq(reps.id, link.repId));
    if (!rep || rep.disabledAt) throw new AppError('unauthorized', 'This account is disabled; ask your manager.');
    const [session] = await tx
      .insert(webSessions)
      .values({ idHash: hashSecret(sessionToken), repId: rep.id, csrfToken, expiresAt: sql`now() + make_interval(secs => ${input.sessionTtlMs / 1000})` })
      .returning({ expiresAt: webSessions.expiresAt });
    if (!session) throw new Error('session not stored');
    await emitAudit(tx, { actor: rep.email, action: 'session.created', entity: 'rep', entityId: rep.id, data: { expiresAt: session.expiresAt.toISOString() } });
    return {
      sessionToken,
      csrfToken,
      expiresAt: session.expiresAt,
      rep: { id: rep.id, email: rep.email, name: rep.name, role: rep.role, timeZone: rep.timeZone },
    };
  });
}

/** The live session for a cookie value, or null (unknown, expired, or the rep was disabled). */
export async function loadSession(db: DbOrTx, sessionToken: string): Promise<WebSession | null> {
  if (!SECRET_PATTERN.test(sessionToken)) return null;
  const idHash = hashSecret(sessionToken);
  const [row] = await db
    .select({
      csrfToken: webSessions.csrfToken,
      expiresAt: webSessions.expiresAt,
      stale: sql<boolean>`${webSessions.lastSeenAt} < now() - make_interval(secs => ${LAST_SEEN_RESOLUTION_S})`,
      id: reps.id,
      email: reps.email,
      name: reps.name,
      role: reps.role,
      timeZone: reps.timeZone,
    })
    .from(webSessions)
    .innerJoin(reps, eq(reps.id, webSessions.repId))
    .where(and(eq(webSessions.idHash, idHash), gt(webSessions.expiresAt, sql`now()`), isNull(reps.disabledAt)));
  if (!row) return null;
  if (row.stale) await db.update(webSessions).set({ lastSeenAt: sql`now()` }).where(eq(webSessions.idHash, idHash));
  return { csrfToken: row.csrfToken, expiresAt: row.expiresAt, rep: { id: row.id, email: row.email, name: row.name, role: row.role, timeZone: row.timeZone } };
}

/** Signs out: the session row is deleted, so the cookie is worthless even if it was copied. */
export async function endSession(db: DbOrTx, sessionToken: string): Promise<void> {
  if (!SECRET_PATTERN.test(sessionToken)) return;
  await inTransaction(db, async (tx) => {
    const [gone] = await tx.delete(webSessions).where(eq(webSessions.idHash, hashSecret(sessionToken))).returning({ repId: webSessions.repId });
    if (!gone) return;
    const [rep] = await tx.select({ email: reps.email }).from(reps).where(eq(reps.id, gone.repId));
    await emitAudit(tx, { actor: rep?.email ?? 'unknown', action: 'session.ended', entity: 'rep', entityId: gone.repId });
  });
}

/** True when a request echoes its session's CSRF token (form field or header). */
export function csrfMatches(session: WebSession, presented: string | undefined | null): boolean {
  return typeof presented === 'string' && presented.length > 0 && secretsEqual(presented, session.csrfToken);
}
