/**
 * The deterministic draw behind spot-check and audit sampling (the idea of src/review/sample.ts):
 * the same item always draws the same value, so anyone can recompute why an item was or was not
 * reviewed, and a retried routing step decides the same way.
 */
import { createHash } from 'node:crypto';

/**
 * A uniform value in [0, 1) fixed by the item id: the first 48 bits of SHA-256(itemId, UTF-8),
 * divided by 2^48. To audit: `sha256(itemId)`, first 12 hex digits, as an integer, / 2^48.
 */
export function itemDraw(itemId: string): number {
  const digest = createHash('sha256').update(itemId).digest();
  return digest.readUIntBE(0, 6) / 2 ** 48;
}
