/** Who is looking at the review queue: always the authenticated session, never request input. */
import { z } from 'zod';

export const Viewer = z.object({
  repId: z.uuid(),
  /** `manager` sees every rep's items (and unassigned ones); `rep` only their own. */
  role: z.enum(['rep', 'manager']),
});
export type Viewer = z.infer<typeof Viewer>;

/** Reps see only the items they own; managers see all, including items without an owner. */
export function canSee(viewer: Viewer, ownerRepId: string | null): boolean {
  return viewer.role === 'manager' || ownerRepId === viewer.repId;
}
