/** How reject reasons read to a rep (buttons, chips) and in the avoid items a rejection writes to memory. */
import type { RejectReason } from '../../db/schema/index.ts';

/** Label of each reject reason code; also the prefix of the memory items a rejection writes. */
export const REJECT_REASON_LABELS: Record<RejectReason, string> = {
  wrong_facts: 'Wrong facts',
  wrong_person: 'Wrong person',
  tone: 'Tone',
  timing: 'Timing',
  not_a_fit: 'Not a fit',
  other: 'Other',
};
