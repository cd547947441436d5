/**
 * Agent Skills: SKILL.md loading, validation and content-hash versions.
 */
export { loadSkills, requireSkills } from './load.ts';
export { SkillError } from './errors.ts';
export { parseSkillFile, type ParsedSkillFile } from './frontmatter.ts';
export { skillVersion, normalizeText, SKILL_VERSION_LENGTH } from './version.ts';
export {
  SkillFrontmatter,
  SKILL_NAME_PATTERN,
  MAX_DESCRIPTION_LENGTH,
  type Skill,
  type SkillReference,
  type SkillSet,
} from './types.ts';
