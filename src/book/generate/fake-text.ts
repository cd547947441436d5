/**
 * Buying signals, activity summaries and free-text notes for synthetic accounts. Notes carry
 * commas, quotes and sometimes line breaks on purpose: the importer must read them back intact.
 * Nothing here contains `|`, the list separator of the Signals and Recent Activities cells.
 */
import { COMPETITORS, CITIES } from './company-words.ts';
import { DEPARTMENTS, MONTHS, ROLES, TITLES } from './people-words.ts';
import type { Rng } from './prng.ts';

const MARKETS = ['Canada', 'Brazil', 'Japan', 'the Nordics', 'Germany', 'Australia', 'the UK', 'Mexico'] as const;

const SIGNALS: ReadonlyArray<(rng: Rng) => string> = [
  (r) => `Hiring ${r.int(3, 40)} ${r.pick(ROLES)}`,
  (r) => `Opened an office in ${r.pick(CITIES)}`,
  (r) => `Evaluating ${r.pick(COMPETITORS)}`,
  (r) => `Raised a $${r.int(5, 120)}M Series ${r.pick(['A', 'B', 'C', 'D'])}`,
  (r) => `New ${r.pick(TITLES)} started in ${r.pick(MONTHS)}`,
  (r) => `Contract with ${r.pick(COMPETITORS)} ends in ${r.pick(MONTHS)}`,
  (r) => `Visited the pricing page ${r.int(2, 14)} times this week`,
  (r) => `Downloaded the ${r.pick(['forecasting', 'data residency', 'SOC 2', 'ROI'])} guide`,
  (r) => `Posted ${r.int(4, 60)} open roles in ${r.pick(DEPARTMENTS)}`,
  (r) => `Announced expansion into ${r.pick(MARKETS)}`,
];

/** 0–`max` signals, each from a different template. */
export function fakeSignals(rng: Rng, max: number): string[] {
  const count = rng.int(0, max);
  const templates = new Set<number>();
  while (templates.size < count) templates.add(rng.int(0, SIGNALS.length - 1));
  return [...templates].map((t) => (SIGNALS[t] as (rng: Rng) => string)(rng));
}

export type FakeActivityKind = 'email' | 'call' | 'meeting' | 'note';

const SUMMARIES: Readonly<Record<FakeActivityKind, ReadonlyArray<(rng: Rng, person: string) => string>>> = {
  email: [
    (r) => `Sent pricing for ${r.int(10, 400)} seats`,
    () => 'Shared the security questionnaire',
    () => 'Followed up on the proposal, no reply yet',
    (_r, p) => `Intro email to ${p}`,
  ],
  call: [
    () => 'Discussed renewal timeline',
    (r) => `Discovery call with the ${r.pick(TITLES)}`,
    () => 'Left a voicemail',
    () => 'Pricing call; asked for a 3-year discount',
  ],
  meeting: [
    (r) => `Demo for the ${r.pick(DEPARTMENTS)} team`,
    (_r, p) => `QBR with ${p}`,
    (r) => `Onsite workshop in ${r.pick(CITIES)}`,
  ],
  note: [
    () => 'Champion moving to a new role',
    (r) => `Budget frozen until ${r.pick(MONTHS)}`,
    () => 'Legal review started',
  ],
};

export function fakeActivitySummary(rng: Rng, kind: FakeActivityKind, person: string): string {
  return rng.pick(SUMMARIES[kind])(rng, person);
}

const NOTES: ReadonlyArray<(rng: Rng, person: string) => string> = [
  (_r, p) => `Champion (${p}) says "budget is approved, pending legal review".`,
  () => 'Prefers email over calls; best time is Tuesday mornings.',
  (r) => `Uses a spreadsheet today, "it breaks every quarter", per the ${r.pick(DEPARTMENTS)} lead.`,
  (r) => `Renewal in ${r.pick(MONTHS)}. Watch for ${r.pick(COMPETITORS)}, they've been in touch.`,
  (r) => `Met at the ${r.pick(CITIES)} trade show; interested in the API, SSO and audit logs.`,
  () => 'Procurement insists on annual billing, net 60.',
  (r) => `Asked for a reference customer in ${r.pick(MARKETS)}.`,
];

const MULTI_LINE_NOTES: ReadonlyArray<(rng: Rng, person: string) => string> = [
  (r) => `Call notes:\n- Asked about SSO, SCIM and audit logs\n- Wants a pilot with ${r.int(2, 5)} teams\n- Next step: security review`,
  (_r, p) => `Spoke with ${p}.\nThey said: "send the deck again, the old link expired."`,
];

/** Free-text notes; `multiLine` picks one with line breaks. */
export function fakeNotes(rng: Rng, person: string, multiLine: boolean): string {
  return rng.pick(multiLine ? MULTI_LINE_NOTES : NOTES)(rng, person);
}
