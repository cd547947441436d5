/**
 * What a loaded skill is, and the zod schema of a SKILL.md frontmatter (Agent Skills format,
 * reference/claude-api.md §15). Schema and type share a name (style C2).
 */
import { z } from 'zod';

/** Lower-case letters, digits and hyphens, 1–64 characters (Agent Skills `name`). */
export const SKILL_NAME_PATTERN = /^[a-z0-9-]{1,64}$/;

/** Longest `description` the Agent Skills format allows. */
export const MAX_DESCRIPTION_LENGTH = 1024;

// Messages read after `frontmatter field "<name>" `, so they start with a verb.
const text = (what: string) =>
  z.string({ error: (issue) => (issue.input === undefined ? 'is missing' : `must be ${what}`) });

/**
 * SKILL.md frontmatter. Only `name` and `description` are required; the optional fields of the
 * format are type-checked when present and unknown fields are allowed (other tools add their own).
 */
export const SkillFrontmatter = z.object({
  name: text('text')
    .regex(SKILL_NAME_PATTERN, 'must be 1–64 lower-case letters, digits or hyphens')
    .refine((name) => !name.startsWith('-') && !name.endsWith('-') && !name.includes('--'), {
      message: 'must not start or end with a hyphen or contain "--"',
    }),
  description: text('text')
    .refine((d) => d.trim() !== '', { message: 'is empty' })
    .refine((d) => d.length <= MAX_DESCRIPTION_LENGTH, {
      message: `is longer than ${MAX_DESCRIPTION_LENGTH} characters`,
    }),
  license: text('text').optional(),
  compatibility: text('text').max(500, 'is longer than 500 characters').optional(),
  metadata: z.record(z.string(), z.string(), { error: 'must be a mapping of text to text' }).optional(),
  'allowed-tools': text('a space-separated list of tool names').optional(),
});
export type SkillFrontmatter = z.infer<typeof SkillFrontmatter>;

/** One file under a skill's `references/` folder. */
export type SkillReference = {
  /** Relative to the skill folder, with `/` separators: `references/icp.md`. */
  path: string;
  /** UTF-8 text with CRLF normalised to LF. */
  content: string;
};

/** A validated skill, ready to become a system prompt. */
export type Skill = {
  name: string;
  description: string;
  /** The Markdown instructions after the frontmatter, trimmed. */
  body: string;
  /** Every file under `references/`, sorted by path. Dotfiles are skipped. */
  references: SkillReference[];
  /**
   * Content hash: the first 12 hex characters of sha256 over SKILL.md and every reference file
   * (path and content, sorted by path, CRLF → LF). Equal content gives an equal version on every
   * machine; any edit gives a new one, which restarts the workflow's autonomy evidence.
   */
  version: string;
  /** Absolute path of the skill folder. */
  dir: string;
  /** Absolute path of its SKILL.md. */
  file: string;
};

/** Every skill found in one skills folder, by name. */
export type SkillSet = {
  /** Absolute path of the folder that was loaded. */
  dir: string;
  /** Sorted by name. */
  skills: ReadonlyMap<string, Skill>;
};
