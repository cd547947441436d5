/**
 * The level each workflow has earned, as stored: what the pipeline will route by (a later
 * increment). A workflow without a stored level is gated.
 */
import type { DbOrTx } from '../../db/client.ts';
import { WORKFLOWS, type Workflow } from '../../db/schema/index.ts';
import { GATED, readLevels, type LevelState } from './store.ts';

/** A workflow's level, the skill version and model it was granted for, since when and by whom (null while never set). */
export type AutonomyLevelState = LevelState;

/** Every workflow's level; `gated` (with nulls) for a workflow that never left it. */
export async function getAutonomyLevels(db: DbOrTx): Promise<Record<Workflow, AutonomyLevelState>> {
  const stored = await readLevels(db);
  return Object.fromEntries(WORKFLOWS.map((w) => [w, stored.get(w) ?? GATED])) as Record<Workflow, AutonomyLevelState>;
}
