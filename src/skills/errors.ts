/**
 * The one error the skill loader throws. It carries every problem found across every skill, so an
 * operator fixes a broken `skills/` folder in one pass instead of one run attempt per typo.
 */

/** A skill folder failed validation. `problems` holds one line per problem: `<file>: <what is wrong>`. */
export class SkillError extends Error {
  readonly code = 'invalid_skill' as const;
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(
      problems.length === 1
        ? (problems[0] ?? 'invalid skill')
        : `${problems.length} skill problems:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.name = 'SkillError';
    this.problems = problems;
  }
}
