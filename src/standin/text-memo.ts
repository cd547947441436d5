/**
 * A bounded memo keyed by long strings (system prompts, output schemas, tool definitions) that
 * never hashes them whole. Every request parses its prompt into fresh strings, and a `Map` lookup
 * hashes a fresh string from end to end: for a 12 KB system prompt that cost more than the work
 * the memo saves. Here the key is located by a fingerprint of its length and a fixed sample of
 * its characters, and a hit is confirmed by full string equality, so two texts that share a
 * fingerprint are simply kept side by side and can never answer for each other.
 */

/**
 * Characters sampled for the fingerprint, spread evenly over the text. Few: texts that share a
 * fingerprint only cost a full comparison, and `charCodeAt` is slow in the CLI process (see
 * compose/json-scan.ts).
 */
const SAMPLES = 16;

type Entry<V> = { text: string; value: V; used: number };

export class TextMemo<V> {
  /** Fingerprint → entries. */
  private readonly buckets = new Map<number, Entry<V>[]>();
  private entries = 0;
  private chars = 0;
  /**
   * Use clock for least-recently-used eviction. A hit only stamps its entry: reordering the map
   * on every hit churned its backing store, which the GC then had to promote and sweep.
   */
  private clock = 0;

  /**
   * @param maxEntries - most texts kept.
   * @param maxChars - most characters kept over all texts, so a few huge prompts cannot pin
   *   unbounded memory.
   */
  constructor(
    private readonly maxEntries: number,
    private readonly maxChars: number,
  ) {}

  get(text: string): V | undefined {
    const entry = this.buckets.get(fingerprint(text))?.find((e) => e.text === text);
    if (!entry) return undefined;
    entry.used = ++this.clock;
    return entry.value;
  }

  set(text: string, value: V): void {
    if (text.length > this.maxChars) return;
    const key = fingerprint(text);
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = [];
      this.buckets.set(key, bucket);
    }
    const existing = bucket.find((e) => e.text === text);
    if (existing) {
      existing.value = value;
      existing.used = ++this.clock;
      return;
    }
    bucket.push({ text, value, used: ++this.clock });
    this.entries++;
    this.chars += text.length;
    while (this.entries > this.maxEntries || this.chars > this.maxChars) this.evictOldest();
  }

  /** Texts currently held. */
  get size(): number {
    return this.entries;
  }

  /** Drops the least recently used text (a scan: eviction is rare, hits are not). */
  private evictOldest(): void {
    let oldest: { key: number; bucket: Entry<V>[]; index: number; used: number } | undefined;
    for (const [key, bucket] of this.buckets) {
      bucket.forEach((e, index) => {
        if (!oldest || e.used < oldest.used) oldest = { key, bucket, index, used: e.used };
      });
    }
    if (!oldest) return;
    const [gone] = oldest.bucket.splice(oldest.index, 1);
    if (gone) {
      this.entries--;
      this.chars -= gone.text.length;
    }
    if (oldest.bucket.length === 0) this.buckets.delete(oldest.key);
  }
}

/** FNV-1a over the length and up to SAMPLES evenly spaced UTF-16 code units. */
function fingerprint(text: string): number {
  const n = text.length;
  let h = Math.imul(0x811c9dc5 ^ n, 0x01000193);
  const step = n <= SAMPLES ? 1 : n / SAMPLES;
  for (let i = 0; i < n && i < SAMPLES * step; i += step) {
    h = Math.imul(h ^ text.charCodeAt(Math.floor(i)), 0x01000193);
  }
  return h >>> 0;
}
