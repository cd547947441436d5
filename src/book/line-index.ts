/**
 * A pass-through stream in front of csv-parse that knows the physical line of every byte.
 *
 * Why: csv-parse's `info.lines` counts CR and LF of a CRLF line break separately inside quoted
 * cells, so after a multi-line note in a Windows export every later line number is off. The
 * parser's `info.bytes` is exact, so the importer asks this index which line a byte is on.
 *
 * It also transcodes UTF-16 files (Excel's "Unicode Text") to UTF-8, so the parser and the
 * index both see the same bytes.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';

const LF = 0x0a;
const CR = 0x0d;

export class LineIndex extends Transform {
  /** Byte offsets just past each line break (LF, CRLF or a lone CR), not yet passed by queries. */
  #breaks: number[] = [];
  #head = 0;
  #passed = 0;
  #offset = 0;
  #pendingCr = false;
  #sniffed = false;
  #utf16: StringDecoder | undefined;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    let bytes = chunk;
    if (!this.#sniffed) {
      this.#sniffed = true;
      if (bytes[0] === 0xff && bytes[1] === 0xfe) this.#utf16 = new StringDecoder('utf16le');
    }
    if (this.#utf16) bytes = Buffer.from(this.#utf16.write(bytes), 'utf8');
    this.#scan(bytes);
    done(null, bytes);
  }

  override _flush(done: TransformCallback): void {
    if (this.#utf16) {
      const rest = Buffer.from(this.#utf16.end(), 'utf8');
      this.#scan(rest);
      if (rest.length > 0) this.push(rest);
    }
    if (this.#pendingCr) this.#breaks.push(this.#offset);
    this.#pendingCr = false;
    done();
  }

  #scan(bytes: Buffer): void {
    for (let i = 0; i < bytes.length; i++) {
      const byte = bytes[i];
      if (this.#pendingCr) {
        this.#pendingCr = false;
        // CRLF is one break, ending after the LF; a lone CR ends where it stands.
        if (byte !== LF) this.#breaks.push(this.#offset + i);
      }
      if (byte === LF) this.#breaks.push(this.#offset + i + 1);
      else if (byte === CR) this.#pendingCr = true;
    }
    this.#offset += bytes.length;
  }

  /**
   * The 1-based line the byte at `offset` is on. Queries must not go backwards (the importer
   * asks in file order), which lets the index forget breaks it has passed.
   */
  lineAt(offset: number): number {
    while (this.#head < this.#breaks.length && (this.#breaks[this.#head] ?? Infinity) <= offset) this.#head++;
    if (this.#head > 4_096) {
      this.#passed += this.#head;
      this.#breaks = this.#breaks.slice(this.#head);
      this.#head = 0;
    }
    return 1 + this.#passed + this.#head;
  }

  /** Lines in what has been read so far (a last line without a break counts). */
  get lines(): number {
    const total = this.#passed + this.#breaks.length;
    const last = this.#breaks[this.#breaks.length - 1] ?? 0;
    return this.#offset > last ? total + 1 : total;
  }
}
