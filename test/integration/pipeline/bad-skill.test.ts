/**
 * A missing or malformed SKILL.md stops a run before it starts: no run row, no queue job, no
 * token spent — and the message names the file and the field.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli.ts';
import { createTestDb, type TestDb } from '../../support/db.ts';

const SKILLS = fileURLToPath(new URL('../../../skills', import.meta.url));

let db: TestDb;
let dir: string;

beforeAll(async () => {
  db = await createTestDb();
  dir = await mkdtemp(join(tmpdir(), 'bookrun-skills-'));
  await cp(SKILLS, dir, { recursive: true });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await db.drop();
});

describe('when a skill is malformed', () => {
  it('refuses to start the run, naming the file and the field', async () => {
    const file = join(dir, 'drafting', 'SKILL.md');
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.replace(/^name: drafting$/m, 'name: draft'));
    const { code, stderr } = await runCli(['run', '--book', 'east'], { DATABASE_URL: db.url, BOOKRUN_SKILLS_DIR: dir });
    expect(code).toBe(1);
    const message = stderr.join('\n');
    expect(message).toContain('drafting/SKILL.md');
    expect(message).toContain('frontmatter field "name"');
    const runs = await db.sql`select count(*)::int as n from runs`;
    expect(runs[0]?.['n']).toBe(0);
  });
});

describe('when a skill is missing', () => {
  it('names the missing SKILL.md and starts nothing', async () => {
    await cp(join(SKILLS, 'drafting'), join(dir, 'drafting'), { recursive: true, force: true });
    await rm(join(dir, 'research'), { recursive: true, force: true });
    const { code, stderr } = await runCli(['run', '--book', 'east'], { DATABASE_URL: db.url, BOOKRUN_SKILLS_DIR: dir });
    expect(code).toBe(1);
    expect(stderr.join('\n')).toMatch(/research\/SKILL\.md: missing/);
    const runs = await db.sql`select count(*)::int as n from runs`;
    expect(runs[0]?.['n']).toBe(0);
  });
});
