/**
 * Review-UI timings for `npm run bench`: one rep with 4,000 pending items (each with a brief, a
 * tier and a draft, as a night leaves them), the real web app on a loopback port, and a real HTTP
 * client. Measures the queue page (first page, a tier filter, a search) and the accept action's
 * round trip through the JSON API, which writes the verdict, memory, outbox rows and audit in one
 * transaction. Targets: queue page p95 < 100 ms, accept p95 < 50 ms.
 */
import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import type { Db } from '../db/client.ts';
import { accounts, books, contacts, reps, runs } from '../db/schema/index.ts';
import { addRep, redeemSignIn } from '../src/auth/index.ts';
import type { Config } from '../src/config.ts';
import { fileArtifactsMany } from '../src/review/index.ts';
import { createWebApp } from '../src/web/index.ts';

export type Timing = { samples: number; p50Ms: number; p95Ms: number; maxMs: number };
export type ReviewUiBench = {
  pendingItems: number;
  queuePage: Timing;
  queuePageTierFilter: Timing;
  queuePageSearch: Timing;
  itemPage: Timing;
  accept: Timing;
  targets: { queuePageP95Ms: number; acceptP95Ms: number };
  pass: boolean;
};

const TIERS = ['A', 'B', 'C', 'D'] as const;
const INDUSTRIES = ['Logistics', 'Healthcare', 'Fintech', 'Manufacturing', 'Retail', 'Energy'];

/** One rep owning `count` accounts, each with a contact and a pending drafted review item. */
export async function seedPendingQueue(db: Db, count: number): Promise<{ repEmail: string; runId: string }> {
  const tag = Date.now().toString(36);
  const [book] = await db.insert(books).values({ name: `review-bench-${tag}` }).returning({ id: books.id });
  if (!book) throw new Error('no book');
  const repEmail = `bench-rep-${tag}@example.test`;
  const [rep] = await db.insert(reps).values({ email: repEmail, name: 'Bench Rep', timeZone: 'Europe/Berlin' }).returning({ id: reps.id });
  if (!rep) throw new Error('no rep');
  const runId = `run-review-bench-${tag}`;
  await db.insert(runs).values({ id: runId, bookId: book.id, runKey: `manual-${runId}` });
  for (let start = 0; start < count; start += 500) {
    const n = Math.min(500, count - start);
    const made = await db
      .insert(accounts)
      .values(
        Array.from({ length: n }, (_, j) => {
          const i = start + j;
          return { bookId: book.id, externalId: `bench-${i}`, name: `Account ${String(i).padStart(4, '0')} ${INDUSTRIES[i % INDUSTRIES.length]} GmbH`, domain: `account${i}.example`, industry: INDUSTRIES[i % INDUSTRIES.length] ?? null, employees: 50 + (i % 900), ownerRepId: rep.id };
        }),
      )
      .returning({ id: accounts.id });
    const to = (i: number) => `buyer${i}@account${i}.example`;
    await db.insert(contacts).values(made.map((a, j) => ({ accountId: a.id, key: to(start + j), name: `Buyer ${start + j}`, title: 'VP Operations', email: to(start + j) })));
    await fileArtifactsMany(
      db,
      made.map((a, j) => {
        const i = start + j;
        const tier = TIERS[i % 4] ?? 'D';
        const facts = [1, 2, 3, 4].map((k) => ({ id: `F${k}`, text: `Fact ${k} about account ${i}: hiring ${k * 3} engineers in operations.`, source: 'crm:accounts.signals', observedAt: '2026-11-01T00:00:00.000Z' }));
        return {
          runId,
          accountId: a.id,
          sampleRate: 0,
          artifacts: [
            { workflow: 'research' as const, skillName: 'research', skillVersion: 'v1', model: 'claude-sonnet-5', content: { summary: `Account ${i} is growing its operations team.`, facts, factKeys: facts.map((f) => f.id), keyPoints: ['Hiring', 'New warehouse'] }, citedFacts: facts },
            { workflow: 'prioritization' as const, skillName: 'prioritization', skillVersion: 'v1', model: 'claude-haiku-5-5', content: { score: 90 - (i % 4) * 20, tier, rationale: 'Strong signals and a recent meeting.' }, rationale: 'Strong signals and a recent meeting.' },
            {
              workflow: 'drafting' as const,
              skillName: 'drafting',
              skillVersion: 'v1',
              model: 'claude-sonnet-5',
              content: { to: to(i), recipientName: `Buyer ${i}`, subject: `Your operations hiring at account ${i}`, body: `Hi Buyer ${i},\n\nI saw you are hiring in operations. Teams like yours cut onboarding time with us.\n\nWorth a 20-minute call next week?`, citations: [{ claim: 'hiring', factId: 'F1' }], riskFlags: [] },
              citedFacts: facts.slice(0, 1),
            },
          ],
        };
      }),
    );
  }
  return { repEmail, runId };
}

function timing(ms: number[]): Timing {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
  const r = (n: number) => Math.round(n * 100) / 100;
  return { samples: sorted.length, p50Ms: r(at(0.5)), p95Ms: r(at(0.95)), maxMs: r(sorted.at(-1) ?? 0) };
}

async function timed(times: number, fn: (i: number) => Promise<void>): Promise<number[]> {
  const ms: number[] = [];
  for (let i = 0; i < times; i++) {
    const t = performance.now();
    await fn(i);
    ms.push(performance.now() - t);
  }
  return ms;
}

export async function benchReviewUi(db: Db, config: Config, options: { items?: number; log?: (line: string) => void } = {}): Promise<ReviewUiBench> {
  const items = options.items ?? 4_000;
  const log = options.log ?? (() => {});
  log(`bench: review UI — seeding ${items} pending items for one rep …`);
  const { repEmail } = await seedPendingQueue(db, items);
  const added = await addRep(db, { email: repEmail, name: 'Bench Rep', role: 'rep' }, { publicUrl: 'http://127.0.0.1', signInTtlMs: 3_600_000 });
  const session = await redeemSignIn(db, { token: new URL(added.signInUrl).searchParams.get('token') ?? '', sessionTtlMs: 3_600_000 });

  // Listen first: the app checks origins against its public URL, which holds the port.
  const holder: { app?: ReturnType<typeof createWebApp> } = {};
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: (request) => (holder.app ? holder.app.fetch(request) : new Response('starting', { status: 503 })), port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  holder.app = createWebApp({ db, config: { ...config, web: { ...config.web, publicUrl: base } } });
  const cookie = `bookrun_session=${session.sessionToken}`;
  const get = async (path: string) => {
    const res = await fetch(`${base}${path}`, { headers: { cookie } });
    await res.text();
    if (res.status !== 200) throw new Error(`GET ${path}: ${res.status}`);
  };
  try {
    await timed(20, () => get('/')); // warm-up: JIT, connection pool, plan cache
    const queuePage = timing(await timed(200, () => get('/')));
    const queuePageTierFilter = timing(await timed(100, () => get('/?tier=B')));
    const queuePageSearch = timing(await timed(100, (i) => get(`/?q=${encodeURIComponent(`account ${String(i * 37).padStart(4, '0')}`)}`)));

    const page = (await (await fetch(`${base}/api/queue?limit=200`, { headers: { cookie } })).json()) as { items: Array<{ id: string }> };
    const ids = page.items.map((i) => i.id);
    const itemPage = timing(await timed(50, (i) => get(`/items/${ids[i % ids.length]}`)));
    const accept = timing(
      await timed(Math.min(150, ids.length), async (i) => {
        const res = await fetch(`${base}/api/items/${ids[i]}/decision`, {
          method: 'POST',
          headers: { cookie, 'content-type': 'application/json', 'x-csrf-token': session.csrfToken, origin: base },
          body: JSON.stringify({ verdict: 'accepted' }),
        });
        await res.text();
        if (res.status !== 200) throw new Error(`accept ${ids[i]}: ${res.status}`);
      }),
    );
    const targets = { queuePageP95Ms: 100, acceptP95Ms: 50 };
    return {
      pendingItems: items,
      queuePage,
      queuePageTierFilter,
      queuePageSearch,
      itemPage,
      accept,
      targets,
      pass: queuePage.p95Ms < targets.queuePageP95Ms && queuePageTierFilter.p95Ms < targets.queuePageP95Ms && queuePageSearch.p95Ms < targets.queuePageP95Ms && accept.p95Ms < targets.acceptP95Ms,
    };
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

export function formatReviewUi(r: ReviewUiBench): string[] {
  const row = (name: string, t: Timing, target?: number) =>
    `  ${name.padEnd(34)} p50 ${t.p50Ms.toFixed(1).padStart(6)} ms  p95 ${t.p95Ms.toFixed(1).padStart(6)} ms  max ${t.maxMs.toFixed(1).padStart(6)} ms  (${t.samples})${target ? `  target p95 < ${target} ms: ${t.p95Ms < target ? 'pass' : 'FAIL'}` : ''}`;
  return [
    `review UI (${r.pendingItems.toLocaleString('en-US')} pending items for one rep; loopback HTTP round trips):`,
    row('queue page', r.queuePage, r.targets.queuePageP95Ms),
    row('queue page, tier filter', r.queuePageTierFilter, r.targets.queuePageP95Ms),
    row('queue page, search', r.queuePageSearch, r.targets.queuePageP95Ms),
    row('item page', r.itemPage),
    row('accept (JSON API, full write path)', r.accept, r.targets.acceptP95Ms),
  ];
}
