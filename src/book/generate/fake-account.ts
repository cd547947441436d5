/**
 * One synthetic account as a row of cells in bookrun's column order. Each account draws from its
 * own seeded stream, so account 17 is the same whether the book has 20 or 20,000 accounts.
 *
 * Realistic gaps, on purpose: ~4% blank industry, blank ARR for most non-customers, ~1% no
 * owner, ~5% no contacts, ~30% no notes, ~8% stale (last activity 2–3 years before `asOf`).
 */
import { bookrunHeaderRow, GENERATED_CONTACTS } from '../fields.ts';
import { CJK_COMPANIES, INDUSTRY_WORDS, PREFIXES, REGIONS, STAGES, SUFFIXES, TLDS, type Word } from './company-words.ts';
import { fakeActivitySummary, fakeNotes, fakeSignals, type FakeActivityKind } from './fake-text.ts';
import { CJK_PEOPLE, FIRST_NAMES, LAST_NAMES, REPS, TITLES } from './people-words.ts';
import { createRng, deriveSeed, type Rng } from './prng.ts';

/** The header row of a generated book. */
export const HEADERS = bookrunHeaderRow(GENERATED_CONTACTS);
const COLUMN = new Map(HEADERS.map((h, i) => [h, i]));

/** Index of a bookrun header in a generated row. */
export function columnOf(header: string): number {
  const index = COLUMN.get(header);
  if (index === undefined) throw new Error(`no generated column ${header}`);
  return index;
}

const WORDS: ReadonlyArray<readonly [industry: string, word: Word]> = INDUSTRY_WORDS.flatMap(([industry, words]) => words.map((w) => [industry, w] as const));
/** Distinct prefix × word combinations. */
export const NAME_COMBOS = PREFIXES.length * WORDS.length;
const DAY = 86_400_000;

/** What every account of one book shares: the seed, the reference day, the order of names. */
export type FakeAccountContext = { seed: number; asOf: Date; companyOrder: readonly number[] };
/** One account's row (bookrun column order) and how many contacts it has. */
export type FakeAccount = { id: string; cells: string[]; contacts: number };

/** `ACC-000001` for index 0: ids are text with leading zeros, as CRM ids often are. */
export function accountId(index: number): string {
  return `ACC-${String(index + 1).padStart(6, '0')}`;
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function isoDateTime(ms: number): string {
  return `${new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19)}Z`;
}

function company(rng: Rng, index: number, ctx: FakeAccountContext, region: string) {
  if (rng.chance(0.012)) {
    const [name, slug, industry] = rng.pick(CJK_COMPANIES);
    return { name, domain: `${slug}.com`, industry, region: 'APAC' };
  }
  const combo = ctx.companyOrder[index % NAME_COMBOS] ?? 0;
  const cycle = Math.floor(index / NAME_COMBOS);
  const [prefix, prefixSlug] = PREFIXES[combo % PREFIXES.length] ?? ['Acme', 'acme'];
  const [industry, [word, wordSlug]] = WORDS[Math.floor(combo / PREFIXES.length)] ?? ['Software', ['Software', 'software']];
  // Past the distinct combinations, a second "Holdings"/"International" entity of the same name.
  const extra = cycle === 0 ? '' : cycle === 1 ? ' Holdings' : cycle === 2 ? ' International' : ` ${cycle}`;
  const suffix = rng.pick(SUFFIXES[region] ?? ['']);
  const name = `${prefix} ${word}${extra}${suffix ? ` ${suffix}` : ''}`;
  const sep = rng.chance(0.4) ? '-' : '';
  const domain = `${prefixSlug}${sep}${wordSlug}${extra ? `-${extra.trim().toLowerCase()}` : ''}.${rng.pick(TLDS[region] ?? ['com', 'com', 'io'])}`;
  return { name, domain, industry, region };
}

function website(rng: Rng, domain: string): string {
  return rng.weighted([
    [domain, 6],
    [`https://www.${domain}`, 3],
    [`www.${domain}`, 1],
  ]);
}

function money(rng: Rng, dollars: number): string {
  const style = rng.weighted([
    ['plain', 88],
    ['commas', 6],
    ['short', 6],
  ] as const);
  if (style === 'commas') return dollars.toLocaleString('en-US');
  if (style === 'short') return dollars >= 1_000_000 ? `$${(dollars / 1_000_000).toFixed(1)}M` : `$${Math.round(dollars / 1000)}k`;
  return String(dollars);
}

function contact(rng: Rng, domain: string, taken: Set<string>): string[] {
  let display: string;
  let local: string;
  if (rng.chance(0.04)) {
    const [name, slug] = rng.pick(CJK_PEOPLE);
    display = name;
    local = slug;
  } else {
    const [first, firstSlug] = rng.pick(FIRST_NAMES);
    const [last, lastSlug] = rng.pick(LAST_NAMES);
    display = `${first} ${last}`;
    local = rng.chance(0.3) ? `${firstSlug[0]}${lastSlug}` : `${firstSlug}.${lastSlug}`;
  }
  let email = `${local}@${domain}`;
  for (let n = 2; taken.has(email); n++) email = `${local}${n}@${domain}`;
  taken.add(email);
  const phone = rng.chance(0.6) ? `+1 ${rng.int(201, 989)} 555 0${rng.int(100, 199)}` : '';
  return [display, rng.pick(TITLES), email, phone, rng.chance(0.03) ? 'yes' : ''];
}

/** Account `index` of a book. */
export function fakeAccount(index: number, ctx: FakeAccountContext): FakeAccount {
  const rng = createRng(deriveSeed(ctx.seed, index + 1));
  const asOf = ctx.asOf.getTime();
  const c = company(rng, index, ctx, rng.weighted(REGIONS));
  const stage = rng.weighted(STAGES);
  const employees = Math.min(250_000, Math.max(3, Math.round(Math.exp(4.6 + 1.5 * rng.normal()))));
  const isStale = rng.chance(0.08);

  let arr = '';
  if (stage === 'customer' ? !rng.chance(0.03) : stage === 'churned' ? rng.chance(0.5) : rng.chance(0.05)) {
    arr = money(rng, Math.min(4_000_000, Math.max(5_000, Math.round((employees * rng.int(30, 120)) / 100) * 100)));
  }
  const owner = rng.chance(0.01) ? undefined : rng.weighted(REPS.map((r) => [r, r[2]] as const));

  const taken = new Set<string>();
  const contactCount = rng.weighted([
    [0, 5],
    [1, 30],
    [2, 30],
    [3, 20],
    [4, 15],
  ] as const);
  const contacts = Array.from({ length: contactCount }, () => contact(rng, c.domain, taken));
  const person = contacts[0]?.[0] ?? 'the buyer';

  const activityDates: number[] = [];
  const activityCount = isStale ? rng.int(0, 2) : rng.int(0, 4);
  for (let i = 0; i < activityCount; i++) activityDates.push(isStale ? asOf - rng.int(730, 1_100) * DAY : asOf - rng.int(1, 120) * DAY);
  activityDates.sort((a, b) => b - a);
  const activities = activityDates.map((at) => {
    const kind = rng.pick<FakeActivityKind>(['email', 'email', 'call', 'meeting', 'note']);
    return `${isoDate(at)} ${kind}: ${fakeActivitySummary(rng, kind, person)}`;
  });
  const lastActivity = activityDates[0] ?? (isStale ? asOf - rng.int(730, 1_100) * DAY : rng.chance(0.5) ? asOf - rng.int(121, 360) * DAY : undefined);
  // Logging an activity touches the record, so it was modified no earlier than its last activity.
  const modified = isStale ? asOf - rng.int(700, 1_000) * DAY - rng.int(0, DAY) : asOf - rng.int(0, 200) * DAY - rng.int(0, DAY);
  const lastModified = Math.max(modified, (activityDates[0] ?? 0) + rng.int(0, DAY));
  const notes = rng.chance(0.3) ? '' : fakeNotes(rng, person, rng.chance(0.05));

  const cells = [
    accountId(index),
    c.name,
    website(rng, c.domain),
    rng.chance(0.04) ? '' : c.industry,
    employees >= 1000 && rng.chance(0.08) ? employees.toLocaleString('en-US') : String(employees),
    arr,
    stage,
    c.region,
    owner?.[0] ?? '',
    owner?.[1] ?? '',
    lastActivity === undefined ? '' : isoDate(lastActivity),
    isoDateTime(lastModified),
    fakeSignals(rng, isStale ? 1 : 4).join(' | '),
    activities.join(' | '),
    notes,
  ];
  for (let n = 0; n < GENERATED_CONTACTS; n++) cells.push(...(contacts[n] ?? ['', '', '', '', '']));
  return { id: accountId(index), cells, contacts: contactCount };
}
