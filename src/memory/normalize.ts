/**
 * Text normalisation for memory hygiene. Two observations "say the same thing" when their
 * normalised content is equal, so spacing, case and typographic quotes never create a new row.
 */

/** NFKC, straight quotes, collapsed whitespace, lower case: the comparison form of content. */
export function normalizeContent(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[\u2018\u2019\u201A\u201B]/g, "'")
    .replace(/[\u201C\u201D\u201E\u201F]/g, '"')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}

/**
 * The key of an avoid/resonated item: the normalised phrase without surrounding quotes or
 * punctuation, so "Layoffs." and "layoffs" are the same preference.
 */
export function normalizePhrase(text: string): string {
  return normalizeContent(text)
    .replace(/^[\s"'`([{<.,;:!?*_-]+/, '')
    .replace(/[\s"'`)\]}>.,;:!?*_-]+$/, '');
}
