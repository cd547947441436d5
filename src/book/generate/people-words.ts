/**
 * People in a synthetic book: the sales team (owners) and contact names, titles and phrases.
 * Names are [display, ASCII slug]; the slug builds email addresses. Some carry non-ASCII
 * letters (Zoë, Müller, Åsa, 王伟) because real CRMs do.
 */
import type { Word } from './company-words.ts';

/** The sales team: twelve reps with uneven territories (weights), like a real team. */
export const REPS: ReadonlyArray<readonly [name: string, email: string, weight: number]> = [
  ['Maya Chen', 'maya.chen@bookrun-demo.example', 16],
  ['Daniel Okafor', 'daniel.okafor@bookrun-demo.example', 14],
  ['Sofia Marquez', 'sofia.marquez@bookrun-demo.example', 12],
  ['Liam O’Connor', 'liam.oconnor@bookrun-demo.example', 11],
  ['Priya Raman', 'priya.raman@bookrun-demo.example', 10],
  ['Jonas Weber', 'jonas.weber@bookrun-demo.example', 8],
  ['Aiko Tanaka', 'aiko.tanaka@bookrun-demo.example', 7],
  ['Marcus Bell', 'marcus.bell@bookrun-demo.example', 6],
  ['Elin Johansson', 'elin.johansson@bookrun-demo.example', 5],
  ['Tomás Herrera', 'tomas.herrera@bookrun-demo.example', 4],
  ['Grace Whitfield', 'grace.whitfield@bookrun-demo.example', 4],
  ['Noah Adeyemi', 'noah.adeyemi@bookrun-demo.example', 3],
];

export const FIRST_NAMES: readonly Word[] = [
  ['James', 'james'], ['Olivia', 'olivia'], ['Ethan', 'ethan'], ['Emma', 'emma'], ['Michael', 'michael'], ['Ava', 'ava'],
  ['David', 'david'], ['Sarah', 'sarah'], ['Chris', 'chris'], ['Laura', 'laura'], ['Kevin', 'kevin'], ['Rachel', 'rachel'],
  ['Zoë', 'zoe'], ['Åsa', 'asa'], ['Jürgen', 'juergen'], ['Siobhán', 'siobhan'], ['José', 'jose'], ['François', 'francois'],
  ['Søren', 'soren'], ['Małgorzata', 'malgorzata'], ['Chloé', 'chloe'], ['Björn', 'bjorn'], ['Inès', 'ines'], ['Ngozi', 'ngozi'],
  ['Ravi', 'ravi'], ['Ananya', 'ananya'], ['Hiroshi', 'hiroshi'], ['Yuki', 'yuki'], ['Mateo', 'mateo'], ['Lucía', 'lucia'],
  ['Fatima', 'fatima'], ['Omar', 'omar'], ['Hannah', 'hannah'], ['Lukas', 'lukas'], ['Freya', 'freya'], ['Declan', 'declan'],
  ['Camille', 'camille'], ['Pieter', 'pieter'], ['Ingrid', 'ingrid'], ['Wei', 'wei'], ['Mei', 'mei'], ['Kwame', 'kwame'],
];

export const LAST_NAMES: readonly Word[] = [
  ['Smith', 'smith'], ['Johnson', 'johnson'], ['Brown', 'brown'], ['Miller', 'miller'], ['Davis', 'davis'], ['Wilson', 'wilson'],
  ['Anderson', 'anderson'], ['Taylor', 'taylor'], ['Thomas', 'thomas'], ['Moore', 'moore'], ['Clark', 'clark'], ['Lewis', 'lewis'],
  ['Müller', 'mueller'], ['O’Brien', 'obrien'], ['García', 'garcia'], ['Nguyễn', 'nguyen'], ['Østergaard', 'ostergaard'], ['Kowalski', 'kowalski'],
  ['Patel', 'patel'], ['Tanaka', 'tanaka'], ['Okafor', 'okafor'], ['Schäfer', 'schaefer'], ['Lindqvist', 'lindqvist'], ['Dubois', 'dubois'],
  ['Rossi', 'rossi'], ['Fernández', 'fernandez'], ['Van der Berg', 'vanderberg'], ['Kim', 'kim'], ['Singh', 'singh'], ['Haddad', 'haddad'],
  ['Murphy', 'murphy'], ['Novak', 'novak'], ['Petrov', 'petrov'], ['Silva', 'silva'], ['Yamamoto', 'yamamoto'], ['Ahmed', 'ahmed'],
];

/** Whole names in scripts where first/last are not split the Western way. */
export const CJK_PEOPLE: readonly Word[] = [
  ['王伟', 'wang.wei'], ['李娜', 'li.na'], ['张敏', 'zhang.min'], ['刘洋', 'liu.yang'], ['佐藤健', 'sato.ken'], ['김민준', 'kim.minjun'],
];

export const TITLES = [
  'VP of Operations', 'Head of Sales', 'Chief Technology Officer', 'Director of IT', 'Procurement Manager', 'CFO',
  'VP Engineering', 'Head of Revenue Operations', 'Operations Manager', 'Director of Logistics', 'Marketing Director',
  'Chief Executive Officer', 'IT Manager', 'Data Platform Lead', 'Head of People', 'Finance Director',
] as const;

export const DEPARTMENTS = ['operations', 'finance', 'IT', 'sales', 'marketing', 'logistics', 'data'] as const;

export const ROLES = ['dispatch planners', 'data engineers', 'account executives', 'nurses', 'warehouse leads', 'SREs', 'store managers', 'analysts'] as const;

export const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'] as const;
