/**
 * What a property name means, from its normalised key (`riskFlags` → `riskflags`). One table,
 * first match wins: exact names, then suffixes (`emailSubject` → subject, `fitScore` → score).
 * Inside a fact, contact or signal record the record's own vocabulary is tried first.
 */

/** The meaning of a property. */
export type Role =
  | 'subject' | 'body' | 'emailOrBody' | 'summary' | 'rationale' | 'tier' | 'score' | 'confidence'
  | 'recipient' | 'recipientName' | 'cc' | 'bcc' | 'accountName' | 'accountId' | 'industry' | 'stage' | 'arr'
  | 'employees' | 'region' | 'website' | 'signals' | 'risks' | 'citations' | 'factList' | 'contacts' | 'points'
  | 'nextStep' | 'greeting' | 'signoff' | 'language' | 'channel' | 'tone' | 'sentiment' | 'avoidList' | 'resonated'
  | 'notes' | 'questions' | 'date' | 'count' | 'isDnc' | 'needsReview' | 'no' | 'has' | 'account'
  | 'factId' | 'factText' | 'claim' | 'factSource' | 'contactName' | 'contactFirst' | 'contactLast' | 'contactTitle'
  | 'contactId' | 'signalText' | 'generic';

/** The kind of record a property sits in. */
export type RecordKind = 'fact' | 'contact' | 'signal' | 'account' | 'text' | 'none';

type Row = readonly [Role, readonly string[], readonly string[]];

const RECORD_ROWS: Record<RecordKind, readonly Row[]> = {
  fact: [
    ['factId', ['id', 'factid', 'citationid', 'sourceid', 'ref', 'reference', 'factref', 'evidenceid'], ['factid']],
    ['factText', ['text', 'fact', 'content', 'quote', 'snippet', 'excerpt', 'evidence', 'detail', 'facttext', 'description', 'value', 'point', 'keypoint', 'finding', 'insight', 'highlight', 'note', 'summary'], ['facttext']],
    ['claim', ['claim', 'sentence', 'assertion', 'statement', 'claimtext'], []],
    ['factSource', ['source', 'sourcetype', 'origin', 'sourcename'], []],
  ],
  contact: [
    ['contactName', ['name', 'fullname', 'contactname', 'recipientname'], []],
    ['contactFirst', ['firstname', 'givenname'], []],
    ['contactLast', ['lastname', 'surname', 'familyname'], []],
    ['contactTitle', ['title', 'role', 'jobtitle', 'position'], []],
    ['recipient', ['email', 'emailaddress', 'address'], ['email']],
    ['contactId', ['id', 'contactid'], []],
  ],
  signal: [['signalText', ['text', 'signal', 'description', 'summary', 'title', 'detail', 'name', 'value'], []]],
  // An object built from a plain string (a point, a note): only its text-like field carries the string.
  text: [['signalText', ['text', 'point', 'value', 'content', 'description', 'summary', 'title', 'name', 'note', 'item', 'label', 'detail'], ['text']]],
  account: [
    ['accountName', ['name'], []],
    ['accountId', ['id'], []],
  ],
  none: [],
};

const ROWS: readonly Row[] = [
  ['subject', ['subject', 'subjectline', 'headline'], ['subject', 'subjectline']],
  ['emailOrBody', ['email'], []],
  ['body', ['body', 'message', 'draft', 'content', 'text', 'emailtext', 'emailcontent', 'draftemail', 'outreach', 'letter'], ['body', 'message']],
  ['summary', ['summary', 'brief', 'overview', 'synopsis', 'abstract', 'description'], ['summary', 'brief', 'overview']],
  ['rationale', ['rationale', 'reason', 'reasons', 'reasoning', 'explanation', 'justification', 'why'], ['rationale', 'reason', 'reasoning', 'explanation', 'justification']],
  ['tier', ['tier'], ['tier']],
  ['confidence', ['confidence', 'certainty'], ['confidence']],
  ['score', ['score', 'priority', 'priorityscore', 'rank', 'rating'], ['score']],
  ['recipientName', ['recipientname', 'contactname', 'toname', 'addressee'], ['recipientname']],
  ['recipient', ['to', 'recipient', 'recipientemail', 'toemail', 'contactemail', 'toaddress', 'sendto', 'emailto', 'primarycontact', 'contact'], ['recipientemail', 'toemail', 'email']],
  ['cc', ['cc'], []],
  ['bcc', ['bcc'], []],
  ['accountName', ['accountname', 'company', 'companyname', 'organization', 'organisation', 'name'], ['accountname', 'companyname']],
  ['accountId', ['accountid', 'crmid', 'crmaccountid', 'id'], ['accountid']],
  ['account', ['account'], ['account']],
  ['industry', ['industry', 'vertical', 'sector'], ['industry']],
  ['stage', ['stage', 'dealstage', 'lifecyclestage'], ['stage']],
  ['arr', ['arr', 'annualrecurringrevenue'], []],
  ['employees', ['employees', 'headcount', 'employeecount', 'companysize'], []],
  ['region', ['region', 'country', 'geo', 'territory'], []],
  ['website', ['website', 'domain', 'url', 'homepage', 'websiteurl', 'site'], ['website', 'domain', 'url']],
  ['signals', ['signals', 'buyingsignals', 'keysignals', 'topsignals', 'intentsignals'], ['signals']],
  ['risks', ['riskflags', 'risks', 'flags', 'warnings', 'concerns', 'issues', 'redflags', 'guardrailflags'], ['risks', 'flags', 'warnings']],
  ['citations', ['citations', 'citedfacts', 'claims', 'claimcitations', 'factcitations'], ['citations']],
  ['factList', ['facts', 'evidence', 'sources', 'references', 'keyfacts', 'supportingfacts', 'citeablefacts'], ['facts', 'evidence', 'sources']],
  ['contacts', ['contacts', 'stakeholders', 'recipients', 'people'], ['contacts']],
  ['points', ['keypoints', 'highlights', 'talkingpoints', 'bullets', 'points', 'insights', 'findings', 'takeaways'], ['points', 'insights', 'findings']],
  ['nextStep', ['nextstep', 'nextsteps', 'nextaction', 'recommendedaction', 'recommendation', 'cta', 'calltoaction', 'action', 'ask'], ['nextstep', 'nextsteps', 'action', 'recommendation']],
  ['greeting', ['greeting', 'salutation', 'opening'], []],
  ['signoff', ['signoff', 'closing', 'signature', 'valediction'], []],
  ['language', ['language', 'locale', 'lang'], []],
  ['channel', ['channel', 'medium'], ['channel']],
  ['tone', ['tone', 'style', 'voice'], ['tone']],
  ['sentiment', ['sentiment', 'mood'], ['sentiment']],
  ['avoidList', ['avoid', 'avoidtopics', 'topicstoavoid', 'donotmention'], ['avoid']],
  ['resonated', ['resonated', 'whatresonated'], ['resonated']],
  ['notes', ['notes'], ['notes']],
  ['questions', ['questions', 'openquestions'], ['questions']],
  ['isDnc', ['donotcontact', 'dnc', 'suppressed'], []],
  ['needsReview', ['needsreview', 'requiresreview', 'humanreview', 'requireshumanreview', 'reviewrequired'], ['review']],
  ['no', ['send', 'shouldsend', 'autosend', 'approved', 'sendnow', 'autoapprove'], []],
  ['date', ['date', 'followupdate', 'sendat', 'senddate', 'duedate', 'followupon', 'scheduledat', 'followupat'], ['date']],
  ['count', [], ['count']],
];

/**
 * Classifies a normalised key in the given record context. Memoized: the schema walk asks for
 * the role of every property several times, and each answer scans the whole table.
 */
export function classifyKey(key: string, record: RecordKind): Role {
  const memo = ROLE_MEMO[record];
  let role = memo.get(key);
  if (role === undefined) {
    role = classify(key, record);
    // Keys come from request schemas; the cap keeps a hostile stream of them from growing it.
    if (memo.size >= 4096) memo.clear();
    memo.set(key, role);
  }
  return role;
}

const ROLE_MEMO: Record<RecordKind, Map<string, Role>> = { fact: new Map(), contact: new Map(), signal: new Map(), account: new Map(), text: new Map(), none: new Map() };

function classify(key: string, record: RecordKind): Role {
  const fromRecord = match(RECORD_ROWS[record], key);
  if (fromRecord) return fromRecord;
  if (key.startsWith('has') && key.length > 3) return 'has';
  if (key.startsWith('is') && key.length > 2 && key !== 'issues') return 'no';
  return match(ROWS, key) ?? 'generic';
}

function match(rows: readonly Row[], key: string): Role | undefined {
  for (const [role, exact] of rows) if (exact.includes(key)) return role;
  for (const [role, , suffixes] of rows) if (suffixes.some((s) => key.endsWith(s))) return role;
  return undefined;
}
