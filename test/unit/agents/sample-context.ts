/**
 * A realistic account context for agent tests: Northwind Logistics with a do-not-contact CFO
 * listed first, two reachable contacts, dated activities, memory with an avoid item, a resonated
 * angle, a conflict and an expired fact.
 */
import type { AccountContext, ContactSnapshot } from '../../../src/agents/types.ts';
import type { MemoryItem, MemoryView } from '../../../src/memory/types.ts';

export const NOW = new Date('2026-11-20T06:00:00Z');

export const DNC_EMAIL = 'sam.ortiz@northwind.example';
export const DANA_EMAIL = 'dana.whitfield@northwind.example';

let memoryIds = 0;
export function memoryItem(kind: MemoryItem['kind'], key: string, content: string, observedAt: string, extra: Partial<MemoryItem> = {}): MemoryItem {
  memoryIds += 1;
  return { id: `mem-${memoryIds}`, kind, key, content, source: `research:run-${kind}`, observedAt: new Date(observedAt), confidence: 0.8, conflictWith: null, ...extra };
}

export function contacts(): ContactSnapshot[] {
  return [
    { id: 'c-sam', name: 'Sam Ortiz', title: 'CFO', email: DNC_EMAIL, doNotContact: true },
    { id: 'c-lee', name: 'Lee Chen', title: 'Dispatch Manager', email: 'lee.chen@northwind.example', doNotContact: false },
    { id: 'c-dana', name: 'Dana Whitfield', title: 'VP Operations', email: DANA_EMAIL, doNotContact: false },
  ];
}

export function memory(overrides: Partial<MemoryView> = {}): MemoryView {
  const hqA = memoryItem('fact', 'hq', 'Northwind is headquartered in Hamburg', '2026-08-01T00:00:00Z', { conflictWith: 'mem-hq-b' });
  const hqB = memoryItem('fact', 'hq', 'Northwind is headquartered in Rotterdam', '2026-09-01T00:00:00Z', { id: 'mem-hq-b', conflictWith: hqA.id });
  return {
    accountId: 'acct-northwind',
    summary: memoryItem('summary', 'summary', 'Northwind is expanding in the Benelux and evaluating dispatch tools.', '2026-10-01T00:00:00Z'),
    facts: [
      memoryItem('fact', 'fleet:size', 'Northwind runs a fleet of about 300 trucks', '2026-09-10T00:00:00Z'),
      memoryItem('fact', 'signal:old-warehouse-closure', 'Northwind closed its Antwerp warehouse', '2025-06-01T00:00:00Z'),
      hqA,
      hqB,
    ],
    interactions: [memoryItem('interaction', 'interaction:2026-10-20-reply', 'Dana replied that route planning is a priority for 2027', '2026-10-20T00:00:00Z')],
    resonated: [memoryItem('resonated', 'route-planning-integrations', 'route-planning integrations', '2026-11-02T00:00:00Z')],
    avoid: [memoryItem('avoid', 'pricing', 'pricing', '2026-10-01T00:00:00Z')],
    conflicts: [{ key: 'hq', items: [hqA, hqB] }],
    ...overrides,
  };
}

/** The Northwind context; `patch` adjusts the account snapshot, `extra` the rest. */
export function sampleContext(patch: Partial<AccountContext['account']> = {}, extra: Partial<Omit<AccountContext, 'account'>> = {}): AccountContext {
  return {
    account: {
      id: 'acct-northwind',
      externalId: 'acc-1001',
      name: 'Northwind Logistics',
      domain: 'northwind.example',
      industry: 'Freight & logistics',
      employees: 640,
      arrUsd: 420_000,
      stage: 'discovery',
      region: 'EMEA',
      signals: [
        'Opened a distribution hub in Rotterdam in October',
        'Hiring 12 dispatch planners',
        'Announced a pricing overhaul for 2027 freight contracts',
      ],
      notes: 'Dana prefers email over phone. Budget planning for 2027 starts in January.',
      lastActivityAt: new Date('2026-11-02T15:00:00Z'),
      conflicts: [],
      ...patch,
    },
    contacts: contacts(),
    activities: [
      { kind: 'call', occurredAt: new Date('2026-11-02T15:00:00Z'), summary: 'Dana asked about route-planning integrations' },
      { kind: 'email', occurredAt: new Date('2026-10-15T09:00:00Z'), summary: 'Sent the Rotterdam case study; no reply yet' },
      { kind: 'note', occurredAt: null, summary: 'Undated note from the old CRM' },
    ],
    memory: memory(),
    now: NOW,
    ...extra,
  };
}

/** A second, different account (for prefix-stability checks). */
export function otherContext(): AccountContext {
  return sampleContext(
    { id: 'acct-fabrikam', externalId: 'acc-1002', name: 'Fabrikam Foods', domain: 'fabrikam.example', industry: 'Food manufacturing', employees: 2400, arrUsd: 1_250_000, stage: 'proposal', signals: ['New plant in Leipzig announced'], notes: null },
    {
      contacts: [{ id: 'c-priya', name: 'Priya Raman', title: 'Head of Quality', email: 'priya.raman@fabrikam.example', doNotContact: false }],
      activities: [],
      memory: memory({
        accountId: 'acct-fabrikam',
        summary: undefined,
        facts: [memoryItem('fact', 'quality:team', 'Fabrikam is expanding its quality team', '2026-10-05T00:00:00Z')],
        interactions: [],
        resonated: [memoryItem('resonated', 'audit-readiness', 'audit readiness', '2026-10-28T00:00:00Z')],
        avoid: [memoryItem('avoid', 'recall', 'the 2025 recall', '2026-09-01T00:00:00Z')],
        conflicts: [],
      }),
    },
  );
}
