/**
 * The facts the stand-in may use, and the builder that collects them. Scalars: first occurrence
 * wins. Lists accumulate, are de-duplicated case-insensitively and capped so a huge prompt cannot
 * make the answer huge.
 */
import { clean } from './text-util.ts';

/** A person at the account. `doNotContact` is sticky: any source marking them wins. */
export type Contact = { id?: string; name: string; title?: string; email?: string; doNotContact: boolean };

/** A fact the draft may cite by id. */
export type CiteFact = { id: string; text: string; source?: string };

/** Everything the composer knows; nothing outside this may appear in an answer as a fact. */
export type Facts = {
  accountName?: string;
  accountId?: string;
  industry?: string;
  stage?: string;
  arr?: number;
  arrText?: string;
  employees?: number;
  region?: string;
  website?: string;
  /** Tier and score only when the prompt already states them. */
  tier?: 'A' | 'B' | 'C' | 'D';
  score?: number;
  signals: string[];
  contacts: Contact[];
  facts: CiteFact[];
  notes: string[];
  avoid: string[];
  resonated: string[];
  /** ISO dates and date-times seen in the prompt, for date fields. */
  dates: string[];
};

/** Scalar fields a source may set. */
export type ScalarField = 'accountName' | 'accountId' | 'industry' | 'stage' | 'region' | 'website';

const MAX_LIST = 200;
const MAX_SCALAR = 200;

/** Collects facts from any number of sources; `done()` returns the final snapshot. */
export type FactsBuilder = ReturnType<typeof createFactsBuilder>;

/** Creates an empty builder. */
export function createFactsBuilder() {
  // Every field present from the start (unknown = undefined) and contacts built alike: objects
  // of one shape keep every reader of the facts monomorphic, which V8 rewards several-fold.
  const f: Facts = {
    accountName: undefined,
    accountId: undefined,
    industry: undefined,
    stage: undefined,
    arr: undefined,
    arrText: undefined,
    employees: undefined,
    region: undefined,
    website: undefined,
    tier: undefined,
    score: undefined,
    signals: [],
    contacts: [],
    facts: [],
    notes: [],
    avoid: [],
    resonated: [],
    dates: [],
  };
  const seen = new Map<string, Set<string>>();
  const contactIndex = new Map<string, Contact>();
  const dncMarks: string[] = [];

  // Method shorthand, not arrow properties: the sources run through tsx, which names every
  // arrow assigned to a property with a defineProperty call, once per builder per request.
  return {
    setScalar(field: ScalarField, value: unknown): void {
      if (f[field] !== undefined) return;
      const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : typeof value === 'string' ? clean(value) : '';
      if (text !== '' && text.length <= MAX_SCALAR) f[field] = text;
    },
    setArr(value: unknown, amount: number | undefined): void {
      if (f.arr !== undefined || amount === undefined || amount < 0) return;
      f.arr = amount;
      if (typeof value === 'string') f.arrText = clean(value);
    },
    setEmployees(amount: number | undefined): void {
      if (f.employees === undefined && amount !== undefined && amount > 0) f.employees = Math.round(amount);
    },
    setTier(value: unknown): void {
      if (f.tier !== undefined || typeof value !== 'string') return;
      const m = /^\s*(?:tier\s*)?([abcd])\s*$/i.exec(value);
      if (m?.[1]) f.tier = m[1].toUpperCase() as Facts['tier'];
    },
    setScore(value: unknown): void {
      const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d+(?:\.\d+)?\s*$/.test(value) ? Number(value) : NaN;
      if (f.score === undefined && Number.isFinite(n) && n >= 0) f.score = n;
    },
    addSignal(value: unknown): void {
      addUniqueTo(seen, f.signals, 'signals', value);
    },
    addNote(value: unknown): void {
      addUniqueTo(seen, f.notes, 'notes', value);
    },
    addAvoid(value: unknown): void {
      addUniqueTo(seen, f.avoid, 'avoid', value);
    },
    addResonated(value: unknown): void {
      addUniqueTo(seen, f.resonated, 'resonated', value);
    },
    addDate(value: string): void {
      addUniqueTo(seen, f.dates, 'dates', value);
    },
    addFact(id: unknown, text: unknown, source?: unknown): void {
      if ((typeof id !== 'string' && typeof id !== 'number') || typeof text !== 'string' || f.facts.length >= MAX_LIST) return;
      const factId = clean(String(id));
      const factText = clean(text);
      if (factId === '' || factId.length > 128 || factText === '') return;
      const set = seen.get('facts') ?? new Set<string>();
      seen.set('facts', set);
      if (set.has(factId)) return;
      set.add(factId);
      f.facts.push({ id: factId, text: factText, source: typeof source === 'string' && source.trim() !== '' ? clean(source) : undefined });
    },
    addContact(contact: Contact): void {
      const name = clean(contact.name);
      const email = contact.email ? clean(contact.email) : undefined;
      if (name === '' && !email) return;
      const key = (email ?? name).toLowerCase();
      const known = contactIndex.get(key) ?? (email ? contactIndex.get(name.toLowerCase()) : undefined);
      if (known) {
        known.doNotContact ||= contact.doNotContact;
        known.email ??= email;
        known.title ??= contact.title;
        known.id ??= contact.id;
        return;
      }
      if (f.contacts.length >= MAX_LIST) return;
      const entry: Contact = {
        id: contact.id ? contact.id : undefined,
        name: name || (email ?? ''),
        title: contact.title ? clean(contact.title) : undefined,
        email: email ? email : undefined,
        doNotContact: contact.doNotContact,
      };
      f.contacts.push(entry);
      contactIndex.set(key, entry);
      if (name !== '') contactIndex.set(name.toLowerCase(), entry);
    },
    /** A name or email listed under "Do not contact" elsewhere in the prompt. */
    markDoNotContact(nameOrEmail: string): void {
      if (dncMarks.length < MAX_LIST) dncMarks.push(clean(nameOrEmail).toLowerCase());
    },
    done(): Facts {
      for (const mark of dncMarks) {
        for (const c of f.contacts) {
          if (mark !== '' && (c.name.toLowerCase() === mark || c.email?.toLowerCase() === mark || mark.includes(c.email?.toLowerCase() ?? '\u0000'))) c.doNotContact = true;
        }
      }
      return f;
    },
  };
}

/** Appends `value` (cleaned) to `list` unless it is empty, too long, or already there (case-insensitively). */
function addUniqueTo(seen: Map<string, Set<string>>, list: string[], name: string, value: unknown): void {
  if (typeof value !== 'string' || list.length >= MAX_LIST) return;
  const text = clean(value);
  if (text === '' || text.length > 2000) return;
  const set = seen.get(name) ?? new Set<string>();
  seen.set(name, set);
  const key = text.toLowerCase();
  if (set.has(key)) return;
  set.add(key);
  list.push(text);
}
