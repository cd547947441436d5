/**
 * Five sample accounts for the LLM-layer demo: realistic CRM shapes with cited facts, signals,
 * contacts (one do-not-contact) and account memory (what resonated, what to avoid).
 */
export type SampleAccount = {
  account_id: string;
  name: string;
  industry: string;
  stage: string;
  arr: number;
  signals: string[];
  contacts: { name: string; title: string; email: string; do_not_contact: boolean }[];
  facts: { id: string; text: string }[];
  activities: { date: string; type: string; summary: string }[];
  memory: { resonated: string[]; avoid: string[] };
};

export const SAMPLE_ACCOUNTS: readonly SampleAccount[] = [
  {
    account_id: 'acc-1001',
    name: 'Northwind Logistics',
    industry: 'Freight & logistics',
    stage: 'discovery',
    arr: 420_000,
    signals: ['Opened a distribution hub in Rotterdam', 'Hiring 12 dispatch planners'],
    contacts: [
      { name: 'Dana Whitfield', title: 'VP Operations', email: 'dana.whitfield@northwind.example', do_not_contact: false },
      { name: 'Sam Ortiz', title: 'CFO', email: 'sam.ortiz@northwind.example', do_not_contact: true },
    ],
    facts: [
      { id: 'F1', text: 'Northwind opened a distribution hub in Rotterdam in October' },
      { id: 'F2', text: 'Northwind is hiring 12 dispatch planners' },
    ],
    activities: [{ date: '2026-11-02', type: 'call', summary: 'Dana asked about route-planning integrations' }],
    memory: { resonated: ['route-planning integrations'], avoid: ['pricing'] },
  },
  {
    account_id: 'acc-1002',
    name: 'Fabrikam Foods',
    industry: 'Food manufacturing',
    stage: 'proposal',
    arr: 1_250_000,
    signals: ['New plant in Leipzig announced', 'Quality team expanding'],
    contacts: [{ name: 'Priya Raman', title: 'Head of Quality', email: 'priya.raman@fabrikam.example', do_not_contact: false }],
    facts: [
      { id: 'F3', text: 'Fabrikam announced a new plant in Leipzig' },
      { id: 'F4', text: 'Fabrikam is expanding its quality team' },
    ],
    activities: [{ date: '2026-10-28', type: 'email', summary: 'Priya shared the audit calendar for Q1' }],
    memory: { resonated: ['audit readiness'], avoid: ['the 2025 recall'] },
  },
  {
    account_id: 'acc-1003',
    name: 'Contoso Health',
    industry: 'Healthcare providers',
    stage: 'qualification',
    arr: 85_000,
    signals: ['Migrating patient scheduling to the cloud'],
    contacts: [{ name: 'Marcus Lee', title: 'IT Director', email: 'marcus.lee@contoso-health.example', do_not_contact: false }],
    facts: [{ id: 'F5', text: 'Contoso Health is migrating patient scheduling to the cloud' }],
    activities: [],
    memory: { resonated: [], avoid: ['competitor contracts'] },
  },
  {
    account_id: 'acc-1004',
    name: 'Tailspin Aero',
    industry: 'Aerospace parts',
    stage: 'negotiation',
    arr: 2_100_000,
    signals: ['Won a multi-year airframe contract', 'New CTO joined in September', 'Evaluating MRO software'],
    contacts: [{ name: 'Elena Novak', title: 'CTO', email: 'elena.novak@tailspin.example', do_not_contact: false }],
    facts: [
      { id: 'F6', text: 'Tailspin Aero won a multi-year airframe contract' },
      { id: 'F7', text: 'Elena Novak joined Tailspin Aero as CTO in September' },
    ],
    activities: [{ date: '2026-11-10', type: 'meeting', summary: 'Security review scheduled for December' }],
    memory: { resonated: ['security review'], avoid: ['discounts'] },
  },
  {
    account_id: 'acc-1005',
    name: 'Wingtip Retail',
    industry: 'Retail',
    stage: 'closed lost',
    arr: 30_000,
    signals: [],
    contacts: [{ name: 'Jo Park', title: 'Store Operations Manager', email: 'jo.park@wingtip.example', do_not_contact: false }],
    facts: [{ id: 'F8', text: 'Wingtip Retail chose an in-house tool last spring' }],
    activities: [],
    memory: { resonated: [], avoid: [] },
  },
];
