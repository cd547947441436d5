/**
 * Reads facts out of parsed JSON values. Keys are compared normalised (`account_id` = `accountId`).
 * Scalars inside contact, signal and memory records are not account facts, so those records are
 * handled by their own readers and not walked for scalars.
 */
import type { FactsBuilder } from './facts.ts';
import { contactFromText } from './extract-lines.ts';
import { isRecord, normKey, parseAmount } from './text-util.ts';

const set = (...keys: string[]): ReadonlySet<string> => new Set(keys);

/** Key vocabularies (normalised). */
const KEYS = {
  accountName: set('accountname', 'company', 'companyname', 'organization', 'organisation', 'orgname'),
  accountObject: set('account', 'company', 'accountinfo', 'accountrecord', 'organization', 'organisation'),
  accountId: set('accountid', 'crmaccountid'),
  accountMarkers: set('industry', 'stage', 'arr', 'employees', 'size', 'region', 'country', 'website', 'domain', 'signals', 'buyingsignals', 'contacts', 'accountid', 'headcount', 'tier'),
  industry: set('industry', 'vertical', 'sector'),
  stage: set('stage', 'dealstage', 'lifecyclestage', 'pipelinestage', 'opportunitystage'),
  arr: set('arr', 'annualrecurringrevenue'),
  employees: set('employees', 'size', 'headcount', 'employeecount', 'numemployees', 'companysize'),
  region: set('region', 'country', 'geo', 'territory'),
  website: set('website', 'domain', 'websiteurl', 'homepage'),
  tier: set('tier', 'prioritytier'),
  score: set('score', 'priorityscore', 'prescore'),
  signals: set('signals', 'buyingsignals', 'intentsignals'),
  contacts: set('contacts', 'stakeholders', 'people', 'persons'),
  notes: set('notes', 'activities', 'activity', 'recentactivity', 'history', 'timeline'),
  avoid: set('avoid', 'avoidtopics', 'topicstoavoid', 'donotmention', 'dontmention'),
  resonated: set('resonated', 'whatresonated', 'resonatedtopics', 'resonates'),
  memory: set('memory', 'memories', 'memoryitems'),
  factId: set('id', 'factid'),
  factText: set('text', 'fact', 'content', 'claim', 'statement'),
  dnc: set('donotcontact', 'dnc', 'suppressed', 'optedout', 'unsubscribed', 'donotemail', 'emailoptout'),
} as const;

const SIGNAL_TEXT = ['text', 'description', 'summary', 'signal', 'detail', 'title'];
const NOTE_TEXT = ['text', 'content', 'summary', 'body', 'note', 'description', 'subject'];
const MAX_DEPTH = 64;

/** Adds every fact found in one parsed JSON value. */
export function readJsonFacts(value: unknown, b: FactsBuilder): void {
  walk(value, '', b, 0);
}

function walk(value: unknown, parentKey: string, b: FactsBuilder, depth: number): void {
  if (depth > MAX_DEPTH) return;
  if (Array.isArray(value)) {
    for (const item of value) walk(item, parentKey, b, depth + 1);
    return;
  }
  if (!isRecord(value)) return;
  const obj = normalised(value);
  const kind = obj.get('kind') ?? obj.get('category') ?? obj.get('type');
  readCiteable(obj, kind, b);
  if (readMemoryItem(obj, kind, b)) return;
  const isAccount = KEYS.accountObject.has(parentKey) || (typeof obj.get('name') === 'string' && hasAccountMarker(obj));
  if (isAccount) {
    b.setScalar('accountName', obj.get('name') ?? obj.get('accountname'));
    b.setScalar('accountId', obj.get('id') ?? obj.get('accountid'));
  }
  const { keys } = obj;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    // A key spelled twice (`accountId` and `account_id`) is read once, with its first value.
    if (keys.indexOf(key) !== i) continue;
    const v = obj.at(i);
    if (readKnownKey(key, v, b)) continue;
    if (typeof v === 'object' && v !== null) walk(v, key, b, depth + 1);
  }
}

/** Every key `readKnownKey` recognises: one lookup settles the common unrecognised key. */
const KNOWN_KEYS: ReadonlySet<string> = new Set(
  (['accountName', 'accountId', 'industry', 'stage', 'region', 'website', 'arr', 'employees', 'tier', 'score', 'signals', 'contacts', 'avoid', 'resonated', 'notes'] as const).flatMap((k) => [...KEYS[k]]).concat('account'),
);

/** Handles one recognised key; returns true when the value needs no further walking. */
function readKnownKey(key: string, v: unknown, b: FactsBuilder): boolean {
  if (!KNOWN_KEYS.has(key)) return false;
  if ((KEYS.accountName.has(key) || key === 'account') && typeof v === 'string') b.setScalar('accountName', v);
  else if (KEYS.accountId.has(key)) b.setScalar('accountId', v);
  else if (KEYS.industry.has(key)) b.setScalar('industry', v);
  else if (KEYS.stage.has(key)) b.setScalar('stage', v);
  else if (KEYS.region.has(key)) b.setScalar('region', v);
  else if (KEYS.website.has(key)) b.setScalar('website', v);
  else if (KEYS.arr.has(key)) b.setArr(v, parseAmount(v));
  else if (KEYS.employees.has(key)) b.setEmployees(parseAmount(v));
  else if (KEYS.tier.has(key)) b.setTier(v);
  else if (KEYS.score.has(key)) b.setScore(v);
  else if (KEYS.signals.has(key)) forEachItem(v, (item) => b.addSignal(typeof item === 'string' ? item : textOf(item, SIGNAL_TEXT)));
  else if (KEYS.contacts.has(key)) forEachItem(v, (item) => readContact(item, b));
  else if (KEYS.avoid.has(key)) forEachItem(v, (item) => b.addAvoid(typeof item === 'string' ? item : textOf(item, NOTE_TEXT)));
  else if (KEYS.resonated.has(key)) forEachItem(v, (item) => b.addResonated(typeof item === 'string' ? item : textOf(item, NOTE_TEXT)));
  else if (KEYS.notes.has(key)) {
    forEachItem(v, (item) => b.addNote(typeof item === 'string' ? item : textOf(item, NOTE_TEXT)));
    return typeof v === 'string'; // objects may still hold citeable facts
  } else return false;
  // Signals may carry ids (citeable); everything else is fully read.
  if (KEYS.signals.has(key) && Array.isArray(v)) {
    for (const item of v) {
      if (!isRecord(item)) continue;
      const o = normalised(item);
      readCiteable(o, o.get('kind') ?? o.get('category') ?? o.get('type'), b);
    }
  }
  return true;
}

function hasAccountMarker(obj: NObj): boolean {
  for (const k of obj.keys) if (KEYS.accountMarkers.has(k)) return true;
  return false;
}

/** `kind` is the record's `kind ?? category ?? type`. */
function readCiteable(obj: NObj, kind: unknown, b: FactsBuilder): void {
  let id: unknown;
  for (const k of FACT_ID_KEYS) {
    id = obj.get(k);
    if (id !== undefined) break;
  }
  if (id === undefined) return;
  let text: unknown;
  for (const k of FACT_TEXT_KEYS) {
    text = obj.get(k);
    if (typeof text === 'string') break;
  }
  // Preferences (what to avoid, what resonated) are memory, not citeable facts about the account.
  if (typeof text !== 'string' || isAvoidKind(kind) || isResonatedKind(kind)) return;
  b.addFact(id, text, obj.get('source'));
}

// The vocabularies above as arrays, in the same order, for the per-record loops.
const FACT_ID_KEYS: readonly string[] = [...KEYS.factId];
const FACT_TEXT_KEYS: readonly string[] = [...KEYS.factText];
const DNC_KEYS: readonly string[] = [...KEYS.dnc];

/** `{kind: 'avoid' | 'resonated' | …, content}` memory items; `kind` as for readCiteable. */
function readMemoryItem(obj: NObj, kind: unknown, b: FactsBuilder): boolean {
  const content = obj.get('content') ?? obj.get('text');
  if (typeof kind !== 'string' || typeof content !== 'string') return false;
  const k = normKey(kind);
  if (isAvoidKind(k)) b.addAvoid(content);
  else if (isResonatedKind(k)) b.addResonated(content);
  else if (/^(note|memory|fact|insight|preference|observation)$/.test(k)) b.addNote(content);
  else return false;
  return true;
}

function isResonatedKind(kind: unknown): boolean {
  return typeof kind === 'string' && /^(resonated|resonates|positive|liked|worked|win)$/.test(normKey(kind));
}

function isAvoidKind(kind: unknown): boolean {
  return typeof kind === 'string' && /^(avoid|avoided|avoidtopic|donotmention|dontmention|negative)$/.test(normKey(kind));
}

function readContact(item: unknown, b: FactsBuilder): void {
  if (typeof item === 'string') {
    const c = contactFromText(item);
    if (c) b.addContact(c);
    return;
  }
  if (!isRecord(item)) return;
  const o = normalised(item);
  const first = nonBlank(o, 'firstname', 'first', 'givenname');
  const last = nonBlank(o, 'lastname', 'last', 'surname', 'familyname');
  const name = nonBlank(o, 'name', 'fullname', 'contactname') ?? [first, last].filter(Boolean).join(' ');
  const status = `${nonBlank(o, 'status', 'contactstatus', 'emailstatus') ?? ''}`.toLowerCase();
  const flagged = DNC_KEYS.some((k) => truthy(o.get(k))) || /do.?not.?contact|\bdnc\b|opted.?out|unsubscribed|suppressed/.test(status);
  const id = o.get('id') ?? o.get('contactid');
  const contact: Parameters<FactsBuilder['addContact']>[0] = { name, doNotContact: flagged };
  const email = nonBlank(o, 'email', 'emailaddress', 'workemail');
  const title = nonBlank(o, 'title', 'role', 'jobtitle', 'position');
  if (email) contact.email = email;
  if (title) contact.title = title;
  if (typeof id === 'string' || typeof id === 'number') contact.id = String(id);
  b.addContact(contact);
}

/** The first of `keys` holding a non-blank string. */
function nonBlank(o: NObj, ...keys: string[]): string | undefined {
  for (const k of keys) {
    const v = o.get(k);
    if (typeof v === 'string' && v.trim() !== '') return v;
  }
  return undefined;
}

function truthy(v: unknown): boolean {
  return v === true || v === 1 || (typeof v === 'string' && /^(true|yes|y|1)$/i.test(v.trim()));
}

function forEachItem(v: unknown, fn: (item: unknown) => void): void {
  if (Array.isArray(v)) for (const item of v) fn(item);
  else if (typeof v === 'string') for (const part of v.split(/[;|\n]/)) fn(part);
  else if (isRecord(v)) fn(v);
}

function textOf(item: unknown, keys: readonly string[]): string | undefined {
  if (!isRecord(item)) return undefined;
  const o = normalised(item);
  for (const k of keys) {
    const v = o.get(k);
    if (typeof v === 'string' && v.trim() !== '') return v;
  }
  return undefined;
}

/**
 * An object viewed through normalised keys (first spelling wins). Arrays, not Maps: records are
 * small. A class rather than a closure per record: every JSON object of every prompt gets one.
 */
class NObj {
  readonly keys: readonly string[];
  private readonly raw: readonly string[];

  constructor(private readonly obj: Record<string, unknown>) {
    this.raw = Object.keys(obj);
    this.keys = this.raw.map(normKey);
  }

  get(key: string): unknown {
    const i = this.keys.indexOf(key);
    return i < 0 ? undefined : this.obj[this.raw[i] ?? ''];
  }

  /** The value of the i-th key. */
  at(i: number): unknown {
    return this.obj[this.raw[i] ?? ''];
  }
}

function normalised(obj: Record<string, unknown>): NObj {
  return new NObj(obj);
}
