/**
 * Splits a SKILL.md into its YAML frontmatter and Markdown body, and validates the frontmatter.
 * Problems come back as text (`frontmatter field "name" is missing`) for the loader to prefix
 * with the file path; nothing here throws.
 */
import { parseDocument } from 'yaml';
import { SkillFrontmatter } from './types.ts';

/**
 * A parsed SKILL.md. `frontmatter` is set whenever the fields validated, even if the body has a
 * problem, so the loader can still check the name against the folder and report both at once.
 */
export type ParsedSkillFile = { frontmatter: SkillFrontmatter | undefined; body: string; problems: string[] };

const failed = (problem: string): ParsedSkillFile => ({ frontmatter: undefined, body: '', problems: [problem] });

const FENCE = /^---[ \t]*$/;

/** Parses SKILL.md text (already normalised with `normalizeText`). */
export function parseSkillFile(text: string): ParsedSkillFile {
  const lines = text.split('\n');
  if (!FENCE.test(lines[0] ?? '')) {
    return failed('frontmatter is missing (the file must start with a "---" line)');
  }
  const close = lines.findIndex((line, i) => i > 0 && FENCE.test(line));
  if (close < 0) {
    return failed('frontmatter is not closed (no "---" line after the opening one)');
  }
  const yamlText = lines.slice(1, close).join('\n');
  const body = lines.slice(close + 1).join('\n').trim();

  const doc = parseDocument(yamlText);
  const yamlError = doc.errors[0];
  if (yamlError) {
    // The YAML starts on line 2 of the file; report file lines so the editor jumps to the spot.
    const line = (yamlError.linePos?.[0]?.line ?? 1) + 1;
    const reason = (yamlError.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
    return failed(`frontmatter is not valid YAML (line ${line}: ${reason})`);
  }
  const data: unknown = doc.toJS();
  if (data === null || data === undefined) {
    return failed('frontmatter is empty (it needs at least "name" and "description")');
  }
  if (typeof data !== 'object' || Array.isArray(data)) {
    return failed(`frontmatter must be a YAML mapping of fields (got ${Array.isArray(data) ? 'a list' : typeof data})`);
  }

  const problems: string[] = [];
  const parsed = SkillFrontmatter.safeParse(data);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)';
      problems.push(`frontmatter field "${field}" ${issue.message}`);
    }
  }
  if (body === '') problems.push('body is empty (the instructions after the frontmatter)');
  return { frontmatter: parsed.success ? parsed.data : undefined, body, problems };
}
