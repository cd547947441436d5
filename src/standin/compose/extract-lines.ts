/**
 * Reads facts from prose: `Label: value` lines, bullet lists under a list label, `[F1] text` fact
 * lines and ISO dates. XML-ish tags (`<account>`, `<data source="crm">`) are treated as line breaks,
 * so their contents read like any other lines.
 */
import type { Contact, FactsBuilder } from './facts.ts';
import { clean, EMAIL_RE, normKey, parseAmount } from './text-util.ts';

type ListKind = 'signals' | 'contacts' | 'dnc' | 'avoid' | 'resonated' | 'notes' | 'facts';

const LIST_LABELS: ReadonlyMap<string, ListKind> = new Map([
  ...['signals', 'buyingsignals', 'intentsignals'].map((k) => [k, 'signals'] as const),
  ...['contact', 'contacts', 'primarycontact', 'stakeholders'].map((k) => [k, 'contacts'] as const),
  ...['donotcontact', 'dnc', 'suppressed'].map((k) => [k, 'dnc'] as const),
  ...['avoid', 'avoidtopics', 'topicstoavoid', 'donotmention', 'dontmention'].map((k) => [k, 'avoid'] as const),
  ...['resonated', 'whatresonated', 'resonatedtopics'].map((k) => [k, 'resonated'] as const),
  ...['notes', 'note', 'activity', 'activities', 'recentactivity'].map((k) => [k, 'notes'] as const),
  ...['facts', 'citeablefacts', 'evidence'].map((k) => [k, 'facts'] as const),
]);

const TAG_RE = /<\/?[A-Za-z][\w:.-]*(?:\s[^<>\n]*)?\/?>/;
const LABEL_RE = /^(?:[-*•]\s+)?([A-Za-z][A-Za-z0-9 _-]{0,39}?)\s*:\s*(.*)$/;
const BULLET_RE = /^(?:[-*•]|\d{1,3}[.)])\s+(.+)$/;
const ID_LINE_RE = /^(?:[-*•]\s+)?\[([A-Za-z0-9][\w.:-]{0,63})\]\s*[:–-]?\s*(.+)$/;
const DATE_RE = /\b\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])(?:T(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})?)?\b/g;

/** Adds every fact found in prose lines of `text`. */
export function readLineFacts(text: string, b: FactsBuilder): void {
  let list: ListKind | undefined;
  for (const line of text.split('\n')) {
    if (line.trim() === '') {
      list = undefined;
      continue;
    }
    if (!line.includes('<')) list = readSegmentInList(line.trim(), list, b);
    else for (const raw of line.split(TAG_RE)) list = readSegmentInList(raw.trim(), list, b);
  }
}

/** Reads one segment while a bullet list may be open; returns the list still (or newly) open. */
function readSegmentInList(segment: string, list: ListKind | undefined, b: FactsBuilder): ListKind | undefined {
  if (segment === '' || segment.length > 4000) return list;
  if (list) {
    const bullet = BULLET_RE.exec(segment);
    if (bullet?.[1]) {
      addListItem(list, bullet[1], b);
      return list;
    }
  }
  // A non-bullet segment ends any open list (and may open a new one).
  return readSegment(segment, b);
}

/** Reads one segment; returns the list kind when it opens a bullet list (`Signals:` alone). */
function readSegment(segment: string, b: FactsBuilder): ListKind | undefined {
  const colon = segment.indexOf(':');
  const bracket = segment.indexOf('[');
  // Cheap exits first: most prose lines are neither `Label:` nor `[id]` lines.
  if ((colon < 0 || colon > 48) && (bracket < 0 || bracket > 4)) return undefined;
  const idLine = bracket >= 0 && bracket <= 4 ? ID_LINE_RE.exec(segment) : null;
  if (idLine?.[1] && idLine[2] && /\d/.test(idLine[1])) {
    b.addFact(idLine[1], idLine[2]);
    return undefined;
  }
  const m = LABEL_RE.exec(segment);
  if (!m?.[1]) return undefined;
  const label = normKey(m[1]);
  const value = clean(m[2] ?? '');
  const factLabel = label.startsWith('fact') ? /^fact\s+([A-Za-z0-9][\w.:-]{0,63})$/i.exec(m[1].trim()) : null;
  if (factLabel?.[1] && value !== '') {
    b.addFact(factLabel[1], value);
    return undefined;
  }
  const kind = LIST_LABELS.get(label);
  if (kind) {
    if (value === '') return kind;
    const parts = kind === 'notes' || kind === 'facts' ? [value] : value.split(kind === 'avoid' || kind === 'dnc' ? /[;|,]/ : /[;|]/);
    for (const part of parts) addListItem(kind, part, b);
    return undefined;
  }
  if (value !== '') readScalarLabel(label, value, b);
  return undefined;
}

function readScalarLabel(label: string, value: string, b: FactsBuilder): void {
  switch (label) {
    case 'account':
    case 'accountname':
    case 'company':
    case 'companyname': {
      // "Acme Corp (id A-17)" carries the id as well.
      const withId = /^(.*?)\s*\((?:id[:\s]*)?([\w-]{1,64})\)$/i.exec(value);
      b.setScalar('accountName', withId?.[1] ?? value);
      if (withId?.[2] && /\d/.test(withId[2])) b.setScalar('accountId', withId[2]);
      return;
    }
    case 'accountid':
    case 'crmaccountid':
      return b.setScalar('accountId', value);
    case 'industry':
    case 'vertical':
    case 'sector':
      return b.setScalar('industry', value);
    case 'stage':
    case 'dealstage':
    case 'lifecyclestage':
      return b.setScalar('stage', value);
    case 'region':
    case 'country':
    case 'territory':
      return b.setScalar('region', value);
    case 'website':
    case 'domain':
      return b.setScalar('website', value);
    case 'arr':
    case 'annualrecurringrevenue':
      return b.setArr(value, parseAmount(value));
    case 'employees':
    case 'headcount':
    case 'size':
    case 'companysize':
      return b.setEmployees(parseAmount(value));
    case 'tier':
    case 'prioritytier':
      return b.setTier(value);
    case 'score':
    case 'priorityscore':
    case 'prescore':
      return b.setScore(value);
    default:
      return undefined;
  }
}

function addListItem(kind: ListKind, text: string, b: FactsBuilder): void {
  const item = clean(text);
  if (item === '') return;
  switch (kind) {
    case 'signals':
      return b.addSignal(item);
    case 'avoid':
      return b.addAvoid(item);
    case 'resonated':
      return b.addResonated(item);
    case 'notes':
      return b.addNote(item);
    case 'dnc':
      return b.markDoNotContact(item);
    case 'contacts': {
      const c = contactFromText(item);
      if (c) b.addContact(c);
      return;
    }
    case 'facts': {
      const idLine = ID_LINE_RE.exec(item);
      if (idLine?.[1] && idLine[2]) b.addFact(idLine[1], idLine[2]);
      else b.addNote(item);
      return;
    }
  }
}

/** Parses "Jane Doe, VP Sales, jane@acme.com (do not contact)" and similar one-line contacts. */
export function contactFromText(text: string): Contact | undefined {
  if (text.length > 300) return undefined; // not a one-line contact (and keeps the email regex cheap)
  const email = text.includes('@') ? text.match(EMAIL_RE)?.[0] : undefined;
  const doNotContact = /do.?not.?contact|\bdnc\b|opted.?out|unsubscribed|suppressed/i.test(text);
  const rest = (email ? text.replace(EMAIL_RE, '') : text)
    .replace(/\([^)]*\)|\[[^\]]*\]|<\s*>/g, ' ')
    .split(/\s*[,|;]\s*|\s+[-–—]\s+/)
    .map(clean)
    .filter((p) => p !== '');
  const name = rest[0] && rest[0].length <= 60 && rest[0].split(' ').length <= 5 ? rest[0] : '';
  if (name === '' && !email) return undefined;
  const contact: Contact = { name, doNotContact };
  if (email) contact.email = email;
  if (rest[1] && rest[1].length <= 80) contact.title = rest[1];
  return contact;
}

/** Adds ISO dates and date-times found anywhere in `text`. */
export function readDates(text: string, b: FactsBuilder): void {
  // An exec loop on the shared global regex (DATE_RE never matches empty): matchAll clones the
  // regex and allocates an iterator per call.
  DATE_RE.lastIndex = 0;
  let count = 0;
  for (let m = DATE_RE.exec(text); m; m = DATE_RE.exec(text)) {
    b.addDate(m[0]);
    if (++count >= 20) break;
  }
  DATE_RE.lastIndex = 0;
}
