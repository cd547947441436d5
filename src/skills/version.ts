/**
 * The version of a skill is a hash of its content, so "which prompt produced this draft" has an
 * exact answer and a changed skill can never pass as the old one (DESIGN.md principle 4).
 */
import { createHash } from 'node:crypto';

/** Length of a skill version: 12 hex characters (48 bits) is plenty for one team's edits. */
export const SKILL_VERSION_LENGTH = 12;

/**
 * Hashes files given by path relative to the skill folder. Files are sorted by path (code-unit
 * order, not locale order, so every machine agrees) and each contributes `path NUL content NUL`,
 * so renaming a reference changes the version too. Content is CRLF-normalised by the caller.
 */
export function skillVersion(files: ReadonlyArray<{ path: string; content: string }>): string {
  const hash = createHash('sha256');
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const file of sorted) hash.update(file.path).update('\0').update(file.content).update('\0');
  return hash.digest('hex').slice(0, SKILL_VERSION_LENGTH);
}

/**
 * CRLF and lone CR become LF and a leading byte-order mark is dropped, so a Windows checkout or
 * editor hashes like a Linux one.
 */
export function normalizeText(text: string): string {
  return text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
}
