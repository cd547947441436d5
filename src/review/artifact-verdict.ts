/**
 * What one review decision means for each artifact it covers. Pure. One review scores all three
 * workflows (research, prioritization, drafting), so a draft rejected for its tone must not count
 * against a brief and a tier that were right; the rules are in ./AGENTS.md ("Artifact verdicts").
 */
import type { BriefVerdict, RejectReason, TierVerdict, Workflow } from '../../db/schema/index.ts';

/** One artifact of a decided item, with everything the decision said. */
export type ArtifactVerdictInput = {
  workflow: Workflow;
  verdict: 'accepted' | 'edited' | 'rejected';
  /** The item has a draft (a `drafted` item); otherwise it is a sampled brief and tier. */
  drafted: boolean;
  rejectReason?: RejectReason | undefined;
  briefVerdict?: BriefVerdict | undefined;
  tierVerdict?: TierVerdict | undefined;
};

/** The artifact's new status, and why it was rejected (null unless rejected). */
export type ArtifactVerdict = { status: 'accepted' | 'edited' | 'rejected'; verdictReason: string | null };

const ACCEPTED: ArtifactVerdict = { status: 'accepted', verdictReason: null };

/** The verdict for one artifact of a decided item; the table in ./AGENTS.md, as code. */
export function artifactVerdict(input: ArtifactVerdictInput): ArtifactVerdict {
  const { workflow, verdict, drafted, rejectReason } = input;
  const rejected = verdict === 'rejected';
  switch (workflow) {
    case 'drafting':
      return rejected ? { status: 'rejected', verdictReason: rejectReason ?? null } : { status: verdict, verdictReason: null };
    case 'research':
      // A quick verdict on the brief is the rep's word on the brief itself: it always wins.
      if (input.briefVerdict) return input.briefVerdict === 'accurate' ? ACCEPTED : { status: 'rejected', verdictReason: 'wrong_facts' };
      // Shown beside a draft, the brief is only blamed when the draft was rejected for its facts.
      if (drafted) return rejected && rejectReason === 'wrong_facts' ? { status: 'rejected', verdictReason: 'wrong_facts' } : ACCEPTED;
      return rejected ? { status: 'rejected', verdictReason: rejectReason ?? null } : ACCEPTED;
    case 'prioritization':
      if (input.tierVerdict) return input.tierVerdict === 'right' ? ACCEPTED : { status: 'rejected', verdictReason: input.tierVerdict };
      // "Not a fit" says the account should not have been worked now: its tier was too high.
      if (drafted) return rejected && rejectReason === 'not_a_fit' ? { status: 'rejected', verdictReason: 'too_high' } : ACCEPTED;
      return rejected ? { status: 'rejected', verdictReason: rejectReason === 'not_a_fit' ? 'too_high' : (rejectReason ?? null) } : ACCEPTED;
  }
}
