/**
 * Loads and validates a skills folder: `<dir>/<name>/SKILL.md` plus `<dir>/<name>/references/**`.
 * The pipeline calls this before a run starts, so a malformed skill stops the run before any
 * token is spent. Every problem in every skill is collected and reported at once.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { SkillError } from './errors.ts';
import { parseSkillFile } from './frontmatter.ts';
import type { Skill, SkillReference, SkillSet } from './types.ts';
import { normalizeText, skillVersion } from './version.ts';

const SKILL_FILE = 'SKILL.md';
const REFERENCES_DIR = 'references';

/**
 * Reads every skill folder under `dir` (folders starting with `.` are skipped; loose files such
 * as `README.md` are ignored). Throws `SkillError` listing every problem when any skill is invalid
 * or the folder does not exist.
 */
export async function loadSkills(dir: string): Promise<SkillSet> {
  const root = resolve(dir);
  const entries = await readdir(root, { withFileTypes: true }).catch((err: unknown) => {
    if (isNotFound(err)) throw new SkillError([`${display(root)}: skills folder not found`]);
    throw err;
  });
  const folders: string[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    if (entry.isDirectory() || (entry.isSymbolicLink() && (await isDirectory(join(root, entry.name))))) folders.push(entry.name);
  }
  folders.sort();

  const results = await Promise.all(folders.map((name) => loadSkill(join(root, name), name)));
  const problems = results.flatMap((r) => (r.ok ? [] : r.problems));
  if (problems.length > 0) throw new SkillError(problems);
  const skills = new Map<string, Skill>();
  for (const r of results) if (r.ok) skills.set(r.skill.name, r.skill);
  return { dir: root, skills };
}

/**
 * The named skills, or a `SkillError` naming each one that is missing. Typed by the names asked
 * for: `requireSkills(set, ['research', 'drafting']).drafting` is a `Skill`.
 */
export function requireSkills<const N extends string>(set: SkillSet, names: readonly N[]): Record<N, Skill> {
  const found = {} as Record<N, Skill>;
  const problems: string[] = [];
  for (const name of names) {
    const skill = set.skills.get(name);
    if (skill) found[name] = skill;
    else problems.push(`${display(join(set.dir, name, SKILL_FILE))}: missing (this run needs the skills ${names.join(', ')})`);
  }
  if (problems.length > 0) throw new SkillError(problems);
  return found;
}

type Loaded = { ok: true; skill: Skill } | { ok: false; problems: string[] };

async function loadSkill(dir: string, folder: string): Promise<Loaded> {
  const file = join(dir, SKILL_FILE);
  const shown = display(file);
  let text: string;
  try {
    text = normalizeText(await readFile(file, 'utf8'));
  } catch (err) {
    if (isNotFound(err)) return { ok: false, problems: [`${shown}: missing (every skill folder needs a ${SKILL_FILE})`] };
    throw err;
  }

  const { frontmatter, body, problems: found } = parseSkillFile(text);
  const problems = found.map((p) => `${shown}: ${p}`);
  if (frontmatter && frontmatter.name !== folder) {
    problems.unshift(`${shown}: frontmatter field "name" is "${frontmatter.name}" but the folder is "${folder}"`);
  }
  if (!frontmatter || problems.length > 0) return { ok: false, problems };
  const references = await readReferences(dir);

  return {
    ok: true,
    skill: {
      name: frontmatter.name,
      description: frontmatter.description.trim(),
      body,
      references,
      version: skillVersion([{ path: SKILL_FILE, content: text }, ...references]),
      dir,
      file,
    },
  };
}

/** Every non-dot file under `references/`, recursively, sorted by relative path. */
async function readReferences(skillDir: string): Promise<SkillReference[]> {
  const out: SkillReference[] = [];
  const walk = async (relDir: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(join(skillDir, relDir), { withFileTypes: true });
    } catch (err) {
      if (isNotFound(err) || isNotDirectory(err)) return;
      throw err;
    }
    for (const entry of entries) {
      // Dotfiles (.DS_Store, editor swap files) differ between machines and must not move the version.
      if (entry.name.startsWith('.')) continue;
      const rel = `${relDir}/${entry.name}`;
      if (entry.isDirectory()) await walk(rel);
      else if (entry.isFile()) out.push({ path: rel, content: normalizeText(await readFile(join(skillDir, rel), 'utf8')) });
    }
  };
  await walk(REFERENCES_DIR);
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Paths in messages: relative to the working directory when inside it (`skills/drafting/SKILL.md`). */
function display(path: string): string {
  const rel = relative(process.cwd(), path);
  const shown = rel === '' || rel.startsWith('..') || isAbsolute(rel) ? path : rel;
  return shown.split(sep).join('/');
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then((s) => s.isDirectory(), () => false);
}

function isNotFound(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

function isNotDirectory(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | undefined)?.code === 'ENOTDIR';
}
