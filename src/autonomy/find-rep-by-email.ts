/** Who `--by EMAIL` is: the CLI's stand-in for a signed-in identity when a manager acts on autonomy. */
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx } from '../../db/client.ts';
import { reps } from '../../db/schema/index.ts';
import { AppError } from '../errors.ts';

/** A rep as the autonomy commands need them. */
export type RepIdentity = { id: string; email: string; name: string; role: 'rep' | 'manager' };

/**
 * The rep with this email (trimmed, lower-cased as stored). Errors: `validation` (not an email),
 * `not_found` (no such rep). Whether they may act is the service's check, not this one's.
 */
export async function findRepByEmail(db: DbOrTx, email: string): Promise<RepIdentity> {
  const parsed = z.email().safeParse(email.trim().toLowerCase());
  if (!parsed.success) throw new AppError('validation', `"${email}" is not an email address`);
  const [rep] = await db.select({ id: reps.id, email: reps.email, name: reps.name, role: reps.role }).from(reps).where(eq(reps.email, parsed.data));
  if (!rep) throw new AppError('not_found', `no rep with email ${parsed.data}; managers are added with: bookrun reps add --email E --name N --role manager`);
  return rep;
}
