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
  readCiteable(obj, b);
  if (readMemoryItem(obj, b)) return;
  const isAccount = KEYS.accountObject.has(parentKey) || (typeof obj.get('name') === 'string' && hasAccountMarker(obj));
  if (isAccount) {
    b.setScalar('accountName', obj.get('name') ?? obj.get('accountname'));
    b.setScalar('accountId', obj.get('id') ?? obj.get('accountid'));
  }
  obj.keys.forEach((key, i) => {
    const v = obj.get(key);
    if (obj.keys.indexOf(key) !== i || readKnownKey(key, v, b)) return;
    if (typeof v === 'object' && v !== null) walk(v, key, b, depth + 1);
  });
}

/** Handles one recognised key; returns true when the value needs no further walking. */
function readKnownKey(key: string, v: unknown, b: FactsBuilder): boolean {
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
  if (KEYS.signals.has(key) && Array.isArray(v)) for (const item of v) if (isRecord(item)) readCiteable(normalised(item), b);
  return true;
}

function hasAccountMarker(obj: NObj): boolean {
  for (const k of obj.keys) if (KEYS.accountMarkers.has(k)) return true;
  return false;
}

function readCiteable(obj: NObj, b: FactsBuilder): void {
  let id: unknown;
  for (const k of KEYS.factId) if (id === undefined) id = obj.get(k);
  if (id === undefined) return;
  let text: unknown;
  for (const k of KEYS.factText) if (typeof text !== 'string') text = obj.get(k);
  const kind = obj.get('kind') ?? obj.get('category') ?? obj.get('type');
  // Preferences (what to avoid, what resonated) are memory, not citeable facts about the account.
  if (typeof text !== 'string' || isAvoidKind(kind) || isResonatedKind(kind)) return;
  b.addFact(id, text, obj.get('source'));
}

/** `{kind: 'avoid' | 'resonated' | …, content}` memory items. */
function readMemoryItem(obj: NObj, b: FactsBuilder): boolean {
  const kind = obj.get('kind') ?? obj.get('category') ?? obj.get('type');
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
  const str = (...keys: string[]): string | undefined => {
    for (const k of keys) {
      const v = o.get(k);
      if (typeof v === 'string' && v.trim() !== '') return v;
    }
    return undefined;
  };
  const first = str('firstname', 'first', 'givenname');
  const last = str('lastname', 'last', 'surname', 'familyname');
  const name = str('name', 'fullname', 'contactname') ?? [first, last].filter(Boolean).join(' ');
  const status = `${str('status', 'contactstatus', 'emailstatus') ?? ''}`.toLowerCase();
  const flagged = [...KEYS.dnc].some((k) => truthy(o.get(k))) || /do.?not.?contact|\bdnc\b|opted.?out|unsubscribed|suppressed/.test(status);
  const id = o.get('id') ?? o.get('contactid');
  const contact: Parameters<FactsBuilder['addContact']>[0] = { name, doNotContact: flagged };
  const email = str('email', 'emailaddress', 'workemail');
  const title = str('title', 'role', 'jobtitle', 'position');
  if (email) contact.email = email;
  if (title) contact.title = title;
  if (typeof id === 'string' || typeof id === 'number') contact.id = String(id);
  b.addContact(contact);
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

/** An object viewed through normalised keys (first spelling wins). Arrays, not Maps: records are small. */
type NObj = { get(key: string): unknown; keys: readonly string[] };

function normalised(obj: Record<string, unknown>): NObj {
  const raw = Object.keys(obj);
  const keys = raw.map(normKey);
  return {
    keys,
    get(key: string): unknown {
      const i = keys.indexOf(key);
      return i < 0 ? undefined : obj[raw[i] ?? ''];
    },
  };
}
