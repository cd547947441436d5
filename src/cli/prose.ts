/**
 * Help text as prose: source lines join into paragraphs ('' starts a new one), and commander wraps
 * them to the terminal. Hard line breaks inside a paragraph would be wrapped a second time.
 */
export function prose(lines: readonly string[]): string {
  const paragraphs: string[][] = [[]];
  for (const line of lines) {
    if (line === '') paragraphs.push([]);
    else paragraphs.at(-1)?.push(line.trim());
  }
  return paragraphs.map((p) => p.join(' ')).filter(Boolean).join('\n\n');
}
