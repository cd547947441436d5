import { cp, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadSkills, skillVersion } from '../../../src/skills/index.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bookrun-skills-'));
  await cp('test/fixtures/skills/valid', dir, { recursive: true });
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const versionOf = async (name: string): Promise<string> => {
  const skill = (await loadSkills(dir)).skills.get(name);
  if (!skill) throw new Error(`no skill ${name}`);
  return skill.version;
};

describe('when a skill is versioned by content hash', () => {
  it('gives the same version on every load of unchanged files', async () => {
    const first = await versionOf('alpha');
    expect(first).toMatch(/^[0-9a-f]{12}$/);
    expect(await versionOf('alpha')).toBe(first);
  });

  it('gives the same version wherever the folder lives', async () => {
    const here = (await loadSkills('test/fixtures/skills/valid')).skills.get('alpha')?.version;
    expect(await versionOf('alpha')).toBe(here);
  });

  it('changes when a reference changes', async () => {
    const before = await versionOf('alpha');
    await writeFile(join(dir, 'alpha/references/notes.md'), '# Notes\n\nA reference file, edited.\n');
    expect(await versionOf('alpha')).not.toBe(before);
  });

  it('changes when SKILL.md changes, and only for that skill', async () => {
    const [alpha, beta] = [await versionOf('alpha'), await versionOf('beta')];
    const file = join(dir, 'beta/SKILL.md');
    await writeFile(file, `${await readFile(file, 'utf8')}\nOne more line.\n`);
    expect(await versionOf('beta')).not.toBe(beta);
    expect(await versionOf('alpha')).toBe(alpha);
  });

  it('changes when a reference is renamed, added or removed', async () => {
    const before = await versionOf('alpha');
    await rename(join(dir, 'alpha/references/notes.md'), join(dir, 'alpha/references/notes-2.md'));
    const renamed = await versionOf('alpha');
    expect(renamed).not.toBe(before);
    await writeFile(join(dir, 'alpha/references/extra.md'), 'more\n');
    expect(await versionOf('alpha')).not.toBe(renamed);
  });

  it('ignores CRLF line endings, a byte-order mark and dotfiles, which differ between machines', async () => {
    const before = await versionOf('alpha');
    for (const rel of ['alpha/SKILL.md', 'alpha/references/notes.md']) {
      const file = join(dir, rel);
      await writeFile(file, `\uFEFF${(await readFile(file, 'utf8')).replace(/\n/g, '\r\n')}`);
    }
    await writeFile(join(dir, 'alpha/references/.DS_Store'), 'binary junk');
    expect(await versionOf('alpha')).toBe(before);
  });

  it('hashes path and content in sorted order, independent of the order given', () => {
    const a = { path: 'SKILL.md', content: 'x' };
    const b = { path: 'references/a.md', content: 'y' };
    expect(skillVersion([a, b])).toBe(skillVersion([b, a]));
    expect(skillVersion([a, b])).not.toBe(skillVersion([a, { ...b, path: 'references/b.md' }]));
    // The path separator keeps `ab` + `c` apart from `a` + `bc`.
    expect(skillVersion([{ path: 'ab', content: 'c' }])).not.toBe(skillVersion([{ path: 'a', content: 'bc' }]));
  });
});
