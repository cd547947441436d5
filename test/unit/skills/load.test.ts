import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSkills, requireSkills, SkillError } from '../../../src/skills/index.ts';

const FIXTURES = 'test/fixtures/skills';

/** The SkillError a fixture folder produces (fails the test when it loads cleanly). */
async function problemsOf(fixture: string): Promise<readonly string[]> {
  const err = await loadSkills(join(FIXTURES, fixture)).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SkillError);
  return (err as SkillError).problems;
}

describe('when loading the repository skills', () => {
  it('finds research, prioritization and drafting, all valid', async () => {
    const set = await loadSkills('skills');
    const skills = requireSkills(set, ['research', 'prioritization', 'drafting']);
    for (const skill of Object.values(skills)) {
      expect(skill.description).toMatch(/^Use when /);
      expect(skill.body.length).toBeGreaterThan(1500);
      expect(skill.version).toMatch(/^[0-9a-f]{12}$/);
      expect(skill.file).toBe(join(skill.dir, 'SKILL.md'));
    }
  });

  it('loads each skill with the reference files its instructions point to', async () => {
    const skills = requireSkills(await loadSkills('skills'), ['research', 'prioritization', 'drafting']);
    expect(skills.research.references.map((r) => r.path)).toEqual(['references/sources.md']);
    expect(skills.prioritization.references.map((r) => r.path)).toEqual(['references/icp.md', 'references/rubric.md']);
    expect(skills.drafting.references.map((r) => r.path)).toEqual(['references/examples.md', 'references/tone-guide.md']);
    for (const skill of Object.values(skills)) {
      for (const ref of skill.references) expect(skill.body).toContain(ref.path);
    }
  });

  it('keeps the tier bands in the prioritization references identical to the pipeline bands', async () => {
    const { prioritization } = requireSkills(await loadSkills('skills'), ['prioritization']);
    const icp = prioritization.references.find((r) => r.path === 'references/icp.md')?.content ?? '';
    expect(icp).toContain('| A | 75 to 100 |');
    expect(icp).toContain('| B | 55 to 74 |');
    expect(icp).toContain('| C | 35 to 54 |');
    expect(icp).toContain('| D | 0 to 34 |');
  });

  it('wraps every drafting example in <example> tags', async () => {
    const { drafting } = requireSkills(await loadSkills('skills'), ['drafting']);
    const examples = drafting.references.find((r) => r.path === 'references/examples.md')?.content ?? '';
    const opened = examples.match(/<example[\s>]/g)?.length ?? 0;
    expect(opened).toBeGreaterThanOrEqual(4);
    expect(examples.match(/<\/example>/g)?.length).toBe(opened);
    // Output JSON only ever appears inside an example.
    const outside = examples.replace(/<example[\s\S]*?<\/example>/g, '');
    expect(outside).not.toMatch(/"factId"|"to":/);
  });
});

describe('when a skills folder is valid', () => {
  it('loads every skill folder, sorted, ignoring loose files', async () => {
    const set = await loadSkills(join(FIXTURES, 'valid'));
    expect([...set.skills.keys()]).toEqual(['alpha', 'beta']);
    const alpha = set.skills.get('alpha');
    expect(alpha?.references.map((r) => r.path)).toEqual(['references/nested/deeper.md', 'references/notes.md']);
    expect(alpha?.body).toBe('# Alpha\n\nInstructions for the alpha test skill.');
    expect(set.skills.get('beta')?.description).toBe('Use when testing the skill loader with a skill that has no references: quoted, with a colon.');
  });

  it('returns the skills asked for by name', async () => {
    const set = await loadSkills(join(FIXTURES, 'valid'));
    const { alpha, beta } = requireSkills(set, ['alpha', 'beta']);
    expect(alpha.name).toBe('alpha');
    expect(beta.name).toBe('beta');
  });

  it('names every missing skill when the run needs more', async () => {
    const set = await loadSkills(join(FIXTURES, 'valid'));
    let err: unknown;
    try {
      requireSkills(set, ['alpha', 'research', 'drafting']);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SkillError);
    expect((err as SkillError).problems).toEqual([
      'test/fixtures/skills/valid/research/SKILL.md: missing (this run needs the skills alpha, research, drafting)',
      'test/fixtures/skills/valid/drafting/SKILL.md: missing (this run needs the skills alpha, research, drafting)',
    ]);
  });
});

describe('when a skill is malformed', () => {
  it('reports a folder without SKILL.md', async () => {
    expect(await problemsOf('missing-skill-md')).toEqual([
      'test/fixtures/skills/missing-skill-md/research/SKILL.md: missing (every skill folder needs a SKILL.md)',
    ]);
  });

  it('reports a file without frontmatter', async () => {
    expect(await problemsOf('no-frontmatter')).toEqual([
      'test/fixtures/skills/no-frontmatter/research/SKILL.md: frontmatter is missing (the file must start with a "---" line)',
    ]);
  });

  it('reports frontmatter that is never closed', async () => {
    expect(await problemsOf('unclosed-frontmatter')).toEqual([
      'test/fixtures/skills/unclosed-frontmatter/research/SKILL.md: frontmatter is not closed (no "---" line after the opening one)',
    ]);
  });

  it('reports invalid YAML with the line in the file', async () => {
    const [problem] = await problemsOf('bad-yaml');
    expect(problem).toBe(
      'test/fixtures/skills/bad-yaml/research/SKILL.md: frontmatter is not valid YAML (line 3: Nested mappings are not allowed in compact mappings)',
    );
  });

  it('reports a name that differs from its folder', async () => {
    expect(await problemsOf('name-mismatch')).toEqual([
      'test/fixtures/skills/name-mismatch/drafting/SKILL.md: frontmatter field "name" is "draft" but the folder is "drafting"',
    ]);
  });

  it('reports a name with characters the format forbids', async () => {
    expect(await problemsOf('bad-name')).toEqual([
      'test/fixtures/skills/bad-name/research_v2/SKILL.md: frontmatter field "name" must be 1–64 lower-case letters, digits or hyphens',
    ]);
  });

  it('reports a missing description', async () => {
    expect(await problemsOf('missing-description')).toEqual([
      'test/fixtures/skills/missing-description/research/SKILL.md: frontmatter field "description" is missing',
    ]);
  });

  it('reports a description over 1024 characters', async () => {
    expect(await problemsOf('long-description')).toEqual([
      'test/fixtures/skills/long-description/research/SKILL.md: frontmatter field "description" is longer than 1024 characters',
    ]);
  });

  it('reports an empty body', async () => {
    expect(await problemsOf('empty-body')).toEqual([
      'test/fixtures/skills/empty-body/research/SKILL.md: body is empty (the instructions after the frontmatter)',
    ]);
  });

  it('reports frontmatter that is not a mapping', async () => {
    expect(await problemsOf('not-a-mapping')).toEqual([
      'test/fixtures/skills/not-a-mapping/research/SKILL.md: frontmatter must be a YAML mapping of fields (got a list)',
    ]);
  });

  it('reports every problem of every skill together, and the message lists them all', async () => {
    const err = await loadSkills(join(FIXTURES, 'several-broken')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SkillError);
    const problems = (err as SkillError).problems;
    expect(problems).toEqual([
      'test/fixtures/skills/several-broken/alpha/SKILL.md: frontmatter field "description" is empty',
      'test/fixtures/skills/several-broken/beta/SKILL.md: frontmatter field "name" is "bravo" but the folder is "beta"',
      'test/fixtures/skills/several-broken/beta/SKILL.md: body is empty (the instructions after the frontmatter)',
    ]);
    expect((err as SkillError).message).toBe(`3 skill problems:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  });

  it('reports a skills folder that does not exist', async () => {
    expect(await problemsOf('no-such-folder')).toEqual(['test/fixtures/skills/no-such-folder: skills folder not found']);
  });
});
