/**
 * Fails when relative imports form a cycle (house rule: no import cycles). Dependency-free:
 * reads `import … from './x.ts'` / `export … from` / `import('./x.ts')` specifiers in the
 * TypeScript sources and runs a depth-first search over the graph.
 * Usage: tsx scripts/check-cycles.ts [dir …]   (default: src jobs db scripts)
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const roots = process.argv.slice(2).length ? process.argv.slice(2) : ['src', 'jobs', 'db', 'scripts'];
const SPECIFIER = /(?:^|\s)(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/gm;

function files(dir: string): string[] {
  let out: string[] = [];
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return out; // a root that does not exist yet (e.g. db/ before it has code)
  }
  for (const name of entries) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out = out.concat(files(path));
    else if (path.endsWith('.ts') || path.endsWith('.tsx')) out.push(resolve(path));
  }
  return out;
}

const graph = new Map<string, string[]>();
for (const file of roots.flatMap(files)) {
  const text = readFileSync(file, 'utf8');
  const deps: string[] = [];
  for (const m of text.matchAll(SPECIFIER)) {
    // `import type` edges vanish at run time but still couple modules; count them too.
    const spec = m[1] ?? m[2];
    if (spec) deps.push(resolve(dirname(file), spec));
  }
  graph.set(file, deps);
}

const state = new Map<string, 'open' | 'done'>();
const cycles: string[][] = [];
function visit(node: string, stack: string[]): void {
  state.set(node, 'open');
  stack.push(node);
  for (const dep of graph.get(node) ?? []) {
    if (!graph.has(dep)) continue;
    if (state.get(dep) === 'open') cycles.push([...stack.slice(stack.indexOf(dep)), dep]);
    else if (!state.has(dep)) visit(dep, stack);
  }
  stack.pop();
  state.set(node, 'done');
}
for (const node of graph.keys()) if (!state.has(node)) visit(node, []);

if (cycles.length > 0) {
  for (const cycle of cycles) console.error(`import cycle: ${cycle.map((f) => relative(process.cwd(), f)).join(' → ')}`);
  process.exit(1);
}
console.log(`no import cycles in ${graph.size} modules`);
