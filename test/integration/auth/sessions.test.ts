/**
 * Sign-in links and sessions against a real Postgres: a link works once, a newer link replaces an
 * older one, sessions expire by the database clock and die with sign-out or a disabled rep, and
 * only hashes of the secrets are stored.
 */
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, reps, signInTokens, webSessions } from '../../../db/schema/index.ts';
import { addRep, csrfMatches, endSession, listReps, loadSession, redeemSignIn } from '../../../src/auth/index.ts';
import { AppError } from '../../../src/errors.ts';
import { decideReviewItem } from '../../../src/review/index.ts';
import { seedDraftedItems } from '../outbox/seed.ts';
import { createTestDb, type TestDb } from '../../support/db.ts';

let db: TestDb;
const OPTIONS = { publicUrl: 'http://127.0.0.1:4300', signInTtlMs: 3_600_000 };
const TTL = 3_600_000;
const tokenOf = (url: string) => new URL(url).searchParams.get('token') ?? '';

beforeAll(async () => {
  db = await createTestDb();
}, 60_000);
afterAll(async () => db?.drop());

async function unauthorized(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe('unauthorized');
  return (error as AppError).message;
}

describe('when a rep is added', () => {
  it('prints a link that signs in once, into a session with its own CSRF token', async () => {
    const added = await addRep(db.db, { email: ' Ana@Example.TEST ', name: 'Ana', role: 'rep', timeZone: 'Europe/Berlin' }, OPTIONS);
    expect(added.created).toBe(true);
    expect(added.rep).toMatchObject({ email: 'ana@example.test', role: 'rep', timeZone: 'Europe/Berlin' });
    expect(added.signInUrl).toMatch(/^http:\/\/127\.0\.0\.1:4300\/signin\?token=[A-Za-z0-9_-]{43}$/);
    const token = tokenOf(added.signInUrl);

    const session = await redeemSignIn(db.db, { token, sessionTtlMs: TTL });
    expect(session.rep.email).toBe('ana@example.test');
    expect(session.sessionToken).not.toBe(token);
    expect(session.expiresAt.getTime()).toBeGreaterThan(Date.now() + TTL - 60_000);
    expect(await unauthorized(redeemSignIn(db.db, { token, sessionTtlMs: TTL }))).toMatch(/already used, has expired, or was replaced/);

    const loaded = await loadSession(db.db, session.sessionToken);
    expect(loaded?.rep.id).toBe(added.rep.id);
    expect(loaded && csrfMatches(loaded, session.csrfToken)).toBe(true);
    expect(loaded && csrfMatches(loaded, undefined)).toBe(false);
    expect(loaded && csrfMatches(loaded, `${session.csrfToken.slice(0, -1)}x`)).toBe(false);

    // Only hashes are stored: neither the link token nor the session id appears in any row.
    const stored = JSON.stringify([...(await db.db.select().from(signInTokens)), ...(await db.db.select().from(webSessions))]);
    expect(stored).not.toContain(token);
    expect(stored).not.toContain(session.sessionToken);

    const actions = (await db.db.select({ action: auditLog.action }).from(auditLog).where(eq(auditLog.entityId, added.rep.id))).map((r) => r.action);
    expect(actions).toEqual(expect.arrayContaining(['rep.created', 'session.created']));
  });

  it('is idempotent per email, and a new link replaces the unused old one', async () => {
    const first = await addRep(db.db, { email: 'ben@example.test', name: 'Ben', role: 'rep' }, OPTIONS);
    const second = await addRep(db.db, { email: 'BEN@example.test', name: 'Ben B.', role: 'manager' }, OPTIONS);
    expect(second.created).toBe(false);
    expect(second.rep.id).toBe(first.rep.id);
    expect(second.rep).toMatchObject({ name: 'Ben B.', role: 'manager', timeZone: 'UTC' });
    await unauthorized(redeemSignIn(db.db, { token: tokenOf(first.signInUrl), sessionTtlMs: TTL }));
    const session = await redeemSignIn(db.db, { token: tokenOf(second.signInUrl), sessionTtlMs: TTL });
    expect(session.rep.role).toBe('manager');
    const listed = await listReps(db.db);
    expect(listed.find((r) => r.email === 'ben@example.test')).toMatchObject({ role: 'manager', accounts: 0, pending: 0 });
  });

  it('lists reps with the accounts they own and their pending items', async () => {
    const world = await seedDraftedItems(db.db, { count: 6, repCount: 2 });
    const [a] = world.book.repIds;
    await decideReviewItem(db.db, { itemId: world.items.find((i) => i.ownerRepId === a)?.itemId ?? '', deciderRepId: a ?? '', verdict: 'accepted' });
    const listed = new Map((await listReps(db.db)).map((r) => [r.id, r]));
    expect(listed.get(a ?? '')).toMatchObject({ accounts: 3, pending: 2 });
    expect(listed.get(world.book.repIds[1] ?? '')).toMatchObject({ accounts: 3, pending: 3 });
    expect(listed.get(world.managerId)).toMatchObject({ role: 'manager', accounts: 0, pending: 0 });
  });

  it('refuses bad input with the field and the reason', async () => {
    await expect(addRep(db.db, { email: 'not-an-email', name: 'X', role: 'rep' }, OPTIONS)).rejects.toThrow(/email is not an email address/);
    await expect(addRep(db.db, { email: 'x@example.test', name: 'X', role: 'rep', timeZone: 'Mars/Olympus' }, OPTIONS)).rejects.toThrow(/timeZone is not an IANA time zone/);
  });

  it('refuses expired links, forged tokens, expired sessions and disabled reps', async () => {
    const added = await addRep(db.db, { email: 'cy@example.test', name: 'Cy', role: 'rep' }, OPTIONS);
    await unauthorized(redeemSignIn(db.db, { token: 'short', sessionTtlMs: TTL }));
    await unauthorized(redeemSignIn(db.db, { token: 'A'.repeat(43), sessionTtlMs: TTL }));
    await db.db.execute(sql`update sign_in_tokens set expires_at = now() - interval '1 second' where rep_id = ${added.rep.id}`);
    await unauthorized(redeemSignIn(db.db, { token: tokenOf(added.signInUrl), sessionTtlMs: TTL }));

    const again = await addRep(db.db, { email: 'cy@example.test', name: 'Cy', role: 'rep' }, OPTIONS);
    const session = await redeemSignIn(db.db, { token: tokenOf(again.signInUrl), sessionTtlMs: TTL });
    expect(await loadSession(db.db, session.sessionToken)).not.toBeNull();
    await db.db.update(reps).set({ disabledAt: new Date() }).where(eq(reps.id, added.rep.id));
    expect(await loadSession(db.db, session.sessionToken)).toBeNull();
    await db.db.update(reps).set({ disabledAt: null }).where(eq(reps.id, added.rep.id));
    await db.db.execute(sql`update web_sessions set expires_at = now() - interval '1 second' where rep_id = ${added.rep.id}`);
    expect(await loadSession(db.db, session.sessionToken)).toBeNull();
    expect(await loadSession(db.db, 'garbage')).toBeNull();
  });

  it('signs out: the session row is gone and the cookie value is worthless', async () => {
    const added = await addRep(db.db, { email: 'dee@example.test', name: 'Dee', role: 'rep' }, OPTIONS);
    const session = await redeemSignIn(db.db, { token: tokenOf(added.signInUrl), sessionTtlMs: TTL });
    await endSession(db.db, session.sessionToken);
    expect(await loadSession(db.db, session.sessionToken)).toBeNull();
    const [ended] = await db.db.select().from(auditLog).where(sql`${auditLog.action} = 'session.ended' and ${auditLog.entityId} = ${added.rep.id}`);
    expect(ended?.actor).toBe('dee@example.test');
  });

  it('gives two racing redemptions of one link exactly one session', async () => {
    const added = await addRep(db.db, { email: 'eve@example.test', name: 'Eve', role: 'rep' }, OPTIONS);
    const token = tokenOf(added.signInUrl);
    const results = await Promise.allSettled([redeemSignIn(db.db, { token, sessionTtlMs: TTL }), redeemSignIn(db.db, { token, sessionTtlMs: TTL })]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });
});
