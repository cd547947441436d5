/**
 * One review item: the draft on the left, what it rests on at the right (brief with sourced facts,
 * tier with score and rationale, the account's memory, risk flags, contacts), and the decision —
 * accept, edit then accept, reject with a reason — with quick verdicts on the brief and the tier.
 * Without JavaScript, edit and reject are `?mode=edit|reject` views of the same page; /assets/app.js
 * opens them in place and posts the decision with fetch.
 */
import type { Child, FC } from 'hono/jsx';
import { BRIEF_VERDICTS, REJECT_REASONS, TIER_VERDICTS } from '../../../db/schema/index.ts';
import type { WebSession } from '../../auth/index.ts';
import type { MemoryItem } from '../../memory/index.ts';
import { REJECT_REASON_LABELS, type getReviewItem } from '../../review/index.ts';
import { briefView, draftView, tierView, type BriefView, type DraftView, type FactView, type TierView } from '../artifact-view.ts';
import type { Assets } from '../assets.ts';
import { formatCount, formatDate, formatUsd, humanize } from '../format.ts';
import { CsrfField, Flash, FlagBadges, Kbd, StatusBadge, TierBadge, Time, type FlashKind } from './components.tsx';
import { Layout } from './layout.tsx';

export type ItemDetail = Awaited<ReturnType<typeof getReviewItem>>;
export type ItemMode = 'edit' | 'reject' | null;

export type ItemPageProps = {
  session: WebSession;
  assets: Assets;
  item: ItemDetail;
  mode: ItemMode;
  flash: { message: string; kind: FlashKind } | null;
  now: Date;
};

const BRIEF_VERDICT_LABELS: Record<(typeof BRIEF_VERDICTS)[number], string> = { accurate: 'Accurate', wrong_facts: 'Wrong facts' };
const TIER_VERDICT_LABELS: Record<(typeof TIER_VERDICTS)[number], string> = { right: 'Right', too_high: 'Too high', too_low: 'Too low' };
const VERDICT_TEXT: Record<string, string> = { accepted: 'Accepted', edited: 'Edited and accepted', rejected: 'Rejected' };

const Card: FC<{ id: string; title: string; children?: Child }> = ({ id, title, children }) => (
  <section class="card" id={id} aria-labelledby={`${id}-title`}>
    <div class="card-head">
      <h2 id={`${id}-title`}>{title}</h2>
    </div>
    {children}
  </section>
);

const FactLine: FC<{ fact: FactView; timeZone: string }> = ({ fact, timeZone }) => (
  <li class="fact" data-fact-id={fact.id ?? undefined}>
    {fact.id ? <span class="fact-id">{fact.id}</span> : null}
    <span class="fact-text">{fact.text}</span>
    <span class="fact-meta">
      {fact.source ? <span class="fact-source">{fact.source}</span> : <span class="fact-source fact-unsourced">no source</span>}
      {fact.observedAt ? <span class="fact-date">{formatDate(fact.observedAt, timeZone)}</span> : null}
    </span>
  </li>
);

/** Radio buttons bound to the decision form by `form=`, so they can sit next to what they judge. */
const QuickVerdict: FC<{ name: 'briefVerdict' | 'tierVerdict'; legend: string; options: Array<[string, string]>; disabled: boolean; current: string | null }> = ({ name, legend, options, disabled, current }) => (
  <fieldset class="quick-verdict" id={`${name}-field`} disabled={disabled}>
    <legend>{legend}</legend>
    <div class="segmented">
      {options.map(([value, label]) => (
        <label class="segment">
          <input type="radio" name={name} value={value} id={`${name}-${value}`} form="decision-form" checked={current === value} />
          <span>{label}</span>
        </label>
      ))}
    </div>
  </fieldset>
);

const BriefCard: FC<{ brief: BriefView | null; timeZone: string; pending: boolean; verdict: string | null }> = ({ brief, timeZone, pending, verdict }) => (
  <Card id="brief" title="Research brief">
    {brief ? (
      <>
        {brief.summary ? <p class="brief-summary">{brief.summary}</p> : <p class="muted">No summary.</p>}
        {brief.keyPoints.length > 0 ? (
          <ul class="key-points">
            {brief.keyPoints.map((p) => (
              <li>{p}</li>
            ))}
          </ul>
        ) : null}
        {brief.facts.length > 0 ? (
          <>
            <h3>Sourced facts</h3>
            <ol class="facts">
              {brief.facts.map((f) => (
                <FactLine fact={f} timeZone={timeZone} />
              ))}
            </ol>
          </>
        ) : (
          <p class="muted">The brief lists no sourced facts.</p>
        )}
        <QuickVerdict name="briefVerdict" legend="Is the brief right?" options={BRIEF_VERDICTS.map((v) => [v, BRIEF_VERDICT_LABELS[v]])} disabled={!pending} current={verdict} />
      </>
    ) : (
      <p class="muted">No research brief with this item.</p>
    )}
  </Card>
);

const TierCard: FC<{ tier: TierView | null; pending: boolean; verdict: string | null }> = ({ tier, pending, verdict }) => (
  <Card id="tier" title="Tier">
    {tier ? (
      <>
        <div class="tier-line">
          <TierBadge tier={tier.tier} large />
          {tier.score !== null ? (
            <span class="score" title="Priority score">
              Score <strong>{Number.isInteger(tier.score) ? tier.score : tier.score.toFixed(2)}</strong>
            </span>
          ) : null}
        </div>
        {tier.rationale ? <p class="rationale">{tier.rationale}</p> : <p class="muted">No rationale given.</p>}
        <QuickVerdict name="tierVerdict" legend="Is the tier right?" options={TIER_VERDICTS.map((v) => [v, TIER_VERDICT_LABELS[v]])} disabled={!pending} current={verdict} />
      </>
    ) : (
      <p class="muted">No tier with this item.</p>
    )}
  </Card>
);

const MemoryList: FC<{ title: string; items: MemoryItem[]; timeZone: string; kind: string }> = ({ title, items, timeZone, kind }) =>
  items.length === 0 ? null : (
    <div class={`memory-group memory-${kind}`}>
      <h3>{title}</h3>
      <ul>
        {items.slice(0, 8).map((m) => (
          <li>
            <span>{m.content}</span>
            <span class="fact-meta">
              <span class="fact-source">{m.source}</span>
              <span class="fact-date">{formatDate(m.observedAt, timeZone)}</span>
            </span>
          </li>
        ))}
      </ul>
    </div>
  );

const MemoryCard: FC<{ item: ItemDetail; timeZone: string; now: Date }> = ({ item, timeZone, now }) => {
  const memory = item.memory;
  const last = item.lastInteraction;
  const empty = !last && memory.resonated.length === 0 && memory.avoid.length === 0 && memory.conflicts.length === 0 && memory.interactions.length === 0;
  return (
    <Card id="memory" title="Account memory">
      <div class="memory-last">
        <h3>Last interaction</h3>
        {last ? (
          <p>
            <span class="pill">{humanize(last.kind)}</span> <Time value={last.occurredAt} timeZone={timeZone} now={now} /> — <span>{last.summary}</span>
          </p>
        ) : (
          <p class="muted">None on record.</p>
        )}
      </div>
      <MemoryList title="What resonated" items={memory.resonated} timeZone={timeZone} kind="resonated" />
      <MemoryList title="Avoid" items={memory.avoid} timeZone={timeZone} kind="avoid" />
      {memory.conflicts.length > 0 ? (
        <div class="memory-group memory-conflicts">
          <h3>Conflicting facts</h3>
          <ul>
            {memory.conflicts.map((conflict) => (
              <li>
                <strong>{humanize(conflict.key)}</strong>:{' '}
                {conflict.items.map((m, i) => (
                  <>
                    {i > 0 ? ' vs ' : ''}
                    <span class="conflict-value" title={`${m.source}, ${formatDate(m.observedAt, timeZone)}`}>
                      {m.content}
                    </span>
                  </>
                ))}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <MemoryList title="Earlier interactions" items={memory.interactions} timeZone={timeZone} kind="interactions" />
      {empty ? <p class="muted">Nothing remembered about this account yet.</p> : null}
    </Card>
  );
};

const AccountCard: FC<{ item: ItemDetail; timeZone: string; now: Date }> = ({ item, timeZone, now }) => {
  const a = item.account;
  return (
    <Card id="account" title="Account">
      <dl class="facts-grid">
        {a.domain ? (
          <>
            <dt>Domain</dt>
            <dd>{a.domain}</dd>
          </>
        ) : null}
        {a.industry ? (
          <>
            <dt>Industry</dt>
            <dd>{a.industry}</dd>
          </>
        ) : null}
        {a.employees !== null && a.employees !== undefined ? (
          <>
            <dt>Employees</dt>
            <dd>{formatCount(Number(a.employees))}</dd>
          </>
        ) : null}
        {a.arrUsd !== null && a.arrUsd !== undefined ? (
          <>
            <dt>ARR</dt>
            <dd>{formatUsd(Number(a.arrUsd))}</dd>
          </>
        ) : null}
        {a.stage ? (
          <>
            <dt>Stage</dt>
            <dd>{humanize(String(a.stage))}</dd>
          </>
        ) : null}
        {a.region ? (
          <>
            <dt>Region</dt>
            <dd>{a.region}</dd>
          </>
        ) : null}
        <dt>Last activity</dt>
        <dd>
          <Time value={a.lastActivityAt} timeZone={timeZone} now={now} />
        </dd>
        {item.owner ? (
          <>
            <dt>Owner</dt>
            <dd>{item.owner.name}</dd>
          </>
        ) : null}
      </dl>
      {a.signals.length > 0 ? (
        <div class="signals">
          <h3>Signals</h3>
          <ul class="pills">
            {a.signals.map((s) => (
              <li class="pill">{s}</li>
            ))}
          </ul>
        </div>
      ) : null}
      {a.notes ? (
        <div class="crm-notes">
          <h3>CRM notes</h3>
          <p class="prewrap">{a.notes}</p>
        </div>
      ) : null}
    </Card>
  );
};

const ContactsCard: FC<{ item: ItemDetail }> = ({ item }) => (
  <Card id="contacts" title="Contacts">
    {item.contacts.length === 0 ? (
      <p class="muted">No contacts on record.</p>
    ) : (
      <ul class="contacts">
        {item.contacts.map((c) => (
          <li class={c.doNotContact ? 'contact contact-dnc' : 'contact'}>
            <span class="contact-name">{c.name}</span>
            {c.title ? <span class="muted"> · {c.title}</span> : null}
            {c.email ? <span class="contact-email">{c.email}</span> : null}
            {c.doNotContact ? <span class="flag">Do not contact</span> : null}
          </li>
        ))}
      </ul>
    )}
  </Card>
);

/** The draft's text, or (edit mode) fields for it; the fields belong to the decision form by `form=`. */
const DraftCard: FC<{ item: ItemDetail; draft: DraftView | null; riskFlags: string[]; editing: boolean }> = ({ item, draft, riskFlags, editing }) => (
  <section class="card card-draft" id="draft" aria-labelledby="draft-title">
    <div class="card-head">
      <h2 id="draft-title">{draft ? 'Draft' : 'Sampled for quality'}</h2>
      {draft ? <span class="muted">{editing ? 'editing' : 'as the model wrote it'}</span> : null}
    </div>
    {riskFlags.length > 0 ? (
      <div class="risk" role="note" id="risk-flags">
        <strong>Risk flags</strong> <FlagBadges flags={riskFlags} />
      </div>
    ) : null}
    {draft ? (
      <>
        <div class="email" id="draft-view" hidden={editing}>
          <dl class="email-head">
            <dt>To</dt>
            <dd id="draft-to">
              {draft.recipientName ? `${draft.recipientName} ` : ''}
              {draft.to ? <span class="muted">&lt;{draft.to}&gt;</span> : <span class="muted">(no recipient)</span>}
            </dd>
            <dt>Subject</dt>
            <dd id="draft-subject" class="email-subject">
              {draft.subject || <span class="muted">(no subject)</span>}
            </dd>
          </dl>
          <div class="email-body prewrap" id="draft-body">
            {draft.body}
          </div>
        </div>
        {item.status === 'pending' ? (
          <div class="edit-panel" id="edit-panel" hidden={!editing} role="group" aria-labelledby="edit-title">
            <h3 id="edit-title" class="visually-hidden">
              Edit the draft
            </h3>
            <p class="edit-to muted">
              To {draft.recipientName ? `${draft.recipientName} ` : ''}
              {draft.to ? `<${draft.to}>` : '(no recipient)'}
            </p>
            <label for="edit-subject">Subject</label>
            <input type="text" id="edit-subject" name="subject" form="decision-form" value={draft.subject} maxlength={120} autocomplete="off" />
            <label for="edit-body">Body</label>
            <textarea id="edit-body" name="body" form="decision-form" rows={14} maxlength={2000}>
              {draft.body}
            </textarea>
            <div class="actions">
              <button type="submit" form="decision-form" class="button button-primary" id="save-edit" name="verdict" value="edited">
                Save edits and accept <Kbd k="Ctrl+Enter" />
              </button>
              <a class="button button-quiet" href={`/items/${item.id}`} id="cancel-edit" data-action="cancel-edit">
                Cancel <Kbd k="Esc" />
              </a>
            </div>
          </div>
        ) : null}
        {draft.citations.length > 0 ? (
          <div class="citations">
            <h3>Claims and the facts they cite</h3>
            <ul>
              {draft.citations.map((c) => (
                <li class={c.fact ? 'citation' : 'citation citation-missing'}>
                  <span class="citation-claim">“{c.claim}”</span>
                  {c.fact ? (
                    <span class="citation-fact">
                      <span class="fact-id">{c.fact.id}</span> {c.fact.text}
                      {c.fact.source ? <span class="fact-source"> — {c.fact.source}</span> : null}
                    </span>
                  ) : (
                    <span class="flag">{c.factId ? `cites ${c.factId}, not in the brief` : 'no source cited'}</span>
                  )}
                </li>
              ))}
            </ul>
          </div>
        ) : null}
      </>
    ) : (
      <p class="muted">This account got no draft this run. Judge the brief and the tier: accept if both are right, reject if not.</p>
    )}
  </section>
);

const DecisionForm: FC<{ item: ItemDetail; draft: DraftView | null; session: WebSession; mode: ItemMode }> = ({ item, draft, session, mode }) => (
  <form id="decision-form" class="decision" method="post" action={`/items/${item.id}/decision`} data-item-id={item.id} data-next-id={item.neighbors.nextId ?? ''}>
    <CsrfField token={session.csrfToken} />
    <div class="actions actions-main" role="group" aria-label="Decision">
      <button type="submit" class="button button-primary" id="accept" name="verdict" value="accepted">
        Accept <Kbd k="a" />
      </button>
      {draft ? (
        <a class="button" href={`/items/${item.id}?mode=edit`} id="edit" data-action="edit" aria-controls="edit-panel">
          Edit <Kbd k="e" />
        </a>
      ) : null}
      <a class="button button-danger" href={`/items/${item.id}?mode=reject#reject-dialog`} id="reject" data-action="reject" aria-controls="reject-dialog">
        Reject… <Kbd k="r" />
      </a>
      <span class="actions-hint muted">Your verdicts on the brief and the tier are saved with the decision.</span>
    </div>
    <dialog id="reject-dialog" class="reject-dialog" open={mode === 'reject'} aria-labelledby="reject-title">
      <h2 id="reject-title">Reject this {draft ? 'draft' : 'item'}</h2>
      <fieldset class="reasons" id="reject-reasons">
        <legend>What is wrong with it?</legend>
        {REJECT_REASONS.map((reason, i) => (
          <label class="reason" for={`reason-${reason}`}>
            <input type="radio" name="rejectReason" value={reason} id={`reason-${reason}`} />
            <span>{REJECT_REASON_LABELS[reason]}</span>
            <Kbd k={String(i + 1)} />
          </label>
        ))}
      </fieldset>
      <label for="note">
        Details <span class="muted">(required for Other)</span>
      </label>
      <textarea id="note" name="note" rows={3} maxlength={2000} placeholder="What should the next draft do differently?"></textarea>
      <div class="actions">
        <button type="submit" class="button button-danger" id="confirm-reject" name="verdict" value="rejected">
          Reject
        </button>
        <a class="button button-quiet" href={`/items/${item.id}`} id="cancel-reject" data-close-dialog>
          Cancel
        </a>
      </div>
    </dialog>
    <p class="form-status" id="form-status" role="status" aria-live="polite"></p>
  </form>
);

const DecisionSummary: FC<{ item: ItemDetail; timeZone: string }> = ({ item, timeZone }) => (
  <section class="card decision-summary" id="decision-summary" aria-labelledby="decision-title">
    <div class="card-head">
      <h2 id="decision-title">{VERDICT_TEXT[item.status] ?? 'Decided'}</h2>
      <StatusBadge status={item.status} />
    </div>
    <p>
      {item.decidedBy ? `By ${item.decidedBy.name}` : 'Decided'}
      {item.decidedAt ? (
        <>
          {' on '}
          <Time value={item.decidedAt} timeZone={timeZone} />
        </>
      ) : null}
      .
    </p>
    <dl class="facts-grid">
      {item.rejectReason ? (
        <>
          <dt>Reason</dt>
          <dd>{REJECT_REASON_LABELS[item.rejectReason]}</dd>
        </>
      ) : null}
      {item.decisionNote ? (
        <>
          <dt>Note</dt>
          <dd class="prewrap">{item.decisionNote}</dd>
        </>
      ) : null}
      {item.briefVerdict ? (
        <>
          <dt>Brief</dt>
          <dd>{BRIEF_VERDICT_LABELS[item.briefVerdict]}</dd>
        </>
      ) : null}
      {item.tierVerdict ? (
        <>
          <dt>Tier</dt>
          <dd>{TIER_VERDICT_LABELS[item.tierVerdict]}</dd>
        </>
      ) : null}
      {item.editRatio !== null && item.status === 'edited' ? (
        <>
          <dt>Changed</dt>
          <dd>{`${Math.round(item.editRatio * 100)}% (${formatCount(item.editDistance ?? 0)} characters)`}</dd>
        </>
      ) : null}
    </dl>
    {item.finalContent && item.status === 'edited' ? (
      <div class="email email-final">
        <h3>As sent for approval</h3>
        <p class="email-subject">{item.finalContent.subject}</p>
        <div class="email-body prewrap">{item.finalContent.body}</div>
      </div>
    ) : null}
  </section>
);

export const ItemPage: FC<ItemPageProps> = ({ session, assets, item, mode, flash, now }) => {
  const tz = session.rep.timeZone;
  const pending = item.status === 'pending';
  const brief = briefView(item.artifacts.research);
  const tier = tierView(item.artifacts.prioritization, item.tier);
  const draft = draftView(item.artifacts.drafting, brief);
  const a = item.account;
  return (
    <Layout title={a.name} page="item" session={session} assets={assets}>
      <nav class="item-nav" aria-label="Queue navigation">
        <a href="/" id="back-to-queue" class="button button-quiet">
          ← Queue <Kbd k="u" />
        </a>
        <span class="item-nav-step">
          {item.neighbors.prevId ? (
            <a href={`/items/${item.neighbors.prevId}`} id="prev-item" rel="prev" class="button button-quiet">
              ↑ Previous <Kbd k="k" />
            </a>
          ) : null}
          {item.neighbors.nextId ? (
            <a href={`/items/${item.neighbors.nextId}`} id="next-item" rel="next" class="button button-quiet">
              Next ↓ <Kbd k="j" />
            </a>
          ) : null}
        </span>
      </nav>
      <Flash message={flash?.message ?? null} kind={flash?.kind} />
      <header class="item-head" data-item-id={item.id} data-status={item.status}>
        <div>
          <h1 id="account-name">{a.name}</h1>
          <p class="item-meta">
            {[a.domain, a.industry, a.region].filter(Boolean).join(' · ')}
            {a.arrUsd !== null && a.arrUsd !== undefined ? ` · ${formatUsd(Number(a.arrUsd))} ARR` : ''}
          </p>
        </div>
        <div class="item-badges">
          <StatusBadge status={item.status} />
          <TierBadge tier={item.tier} />
          <span class={`kind kind-${draft ? 'draft' : 'sample'}`}>{draft ? 'Draft' : 'Sample'}</span>
          <span class="muted item-run">
            Run <code>{item.runId}</code> · filed <Time value={item.createdAt} timeZone={tz} now={now} />
          </span>
        </div>
      </header>
      <div class={pending ? 'item-grid item-grid-pending' : 'item-grid'}>
        <div class="col-draft">
          {/* Disabled, and the decision form's first submit button: Enter in a field never submits a verdict by accident. */}
          {pending ? <button type="submit" form="decision-form" disabled hidden aria-hidden="true" tabindex={-1} id="no-implicit-submit"></button> : null}
          <DraftCard item={item} draft={draft} riskFlags={item.riskFlags} editing={pending && mode === 'edit'} />
          {pending ? <DecisionForm item={item} draft={draft} session={session} mode={mode} /> : <DecisionSummary item={item} timeZone={tz} />}
        </div>
        <aside class="col-evidence" aria-label="What the draft rests on">
          <TierCard tier={tier} pending={pending} verdict={item.tierVerdict} />
          <BriefCard brief={brief} timeZone={tz} pending={pending} verdict={item.briefVerdict} />
          <MemoryCard item={item} timeZone={tz} now={now} />
          <AccountCard item={item} timeZone={tz} now={now} />
          <ContactsCard item={item} />
        </aside>
      </div>
    </Layout>
  );
};
