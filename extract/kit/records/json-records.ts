/**
 * Splits a streamed JSON document into its records without holding the document in memory:
 * a top-level array yields each element, a top-level object yields itself.
 *
 * Only structure is tracked here (strings, nesting, commas); each record's own grammar is checked by
 * JSON.parse downstream, which is native and far faster than a token-by-token parser written in JS.
 * Records come out as the exact bytes the vendor sent, so nothing (not even a uint64 id) is re-encoded.
 */

import {
  CLOSE_BRACE,
  CLOSE_BRACKET,
  COMMA,
  isEscaped,
  isJsonWhitespace,
  OPEN_BRACE,
  OPEN_BRACKET,
  QUOTE,
  stringEnd,
} from './json-bytes.js';

export class JsonStructureError extends Error {
  override name = 'JsonStructureError';
  constructor(
    readonly reason: string,
    /** Byte offset in the document where the problem was found. */
    readonly offset: number,
  ) {
    super(`${reason} at byte ${offset}`);
  }
}

export interface RawRecord {
  /** The record's bytes exactly as sent. */
  bytes: Buffer;
  /** Byte offset of the record's first byte in the document. */
  offset: number;
  /** 0-based position in the document. */
  index: number;
}


type Mode = 'start' | 'before-element' | 'after-element' | 'element' | 'done';

/** Push-style splitter: feed chunks, collect records; `end()` checks the document was complete. */
export class JsonRecordSplitter {
  private mode: Mode = 'start';
  private singleObject = false;
  private depth = 0;
  private inString = false;
  private escapePending = false;
  private scalar = false;
  private elementStart = 0;
  private parts: Buffer[] = [];
  private index = 0;
  /** Document offset of the current chunk's first byte. */
  private base = 0;

  /** `untilEnd`: stop at the end of the first value, ignoring what follows (a list inside a parsed body). */
  constructor(private readonly options: { untilEnd?: boolean } = {}) {}

  push(chunk: Buffer, out: RawRecord[]): void {
    let buf = chunk;
    if (this.base === 0 && buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) {
      buf = buf.subarray(3);
      this.base = 3;
    }
    const len = buf.length;
    let i = 0;
    while (i < len) {
      if (this.mode === 'element') {
        if (this.inString) {
          if (this.escapePending) {
            this.escapePending = false;
            i++;
            continue;
          }
          // A string cut by the chunk's end goes on in the next chunk, whose first byte may be escaped.
          const end = stringEnd(buf, i);
          if (end < 0) {
            this.escapePending = isEscaped(buf, i, len);
            i = len;
            break;
          }
          i = end;
          this.inString = false;
          if (this.depth === 0) this.complete(buf, i, out); // a bare string element
          continue;
        }
        const c = buf[i]!;
        if (this.scalar) {
          if (c === COMMA || c === CLOSE_BRACKET || isJsonWhitespace(c)) {
            this.complete(buf, i, out);
            continue;
          }
          i++;
          continue;
        }
        i++;
        if (c === QUOTE) this.inString = true;
        else if (c === OPEN_BRACE || c === OPEN_BRACKET) this.depth++;
        else if ((c === CLOSE_BRACE || c === CLOSE_BRACKET) && --this.depth === 0) this.complete(buf, i, out);
        continue;
      }

      const c = buf[i]!;
      if (isJsonWhitespace(c)) {
        i++;
        continue;
      }
      const at = this.base + i;
      switch (this.mode) {
        case 'start':
          if (c === OPEN_BRACKET) {
            this.mode = 'before-element';
            i++;
            continue;
          }
          if (c !== OPEN_BRACE) throw new JsonStructureError('expected a JSON array or object', at);
          this.singleObject = true;
          this.begin(at, c);
          continue;
        case 'before-element':
          if (c === CLOSE_BRACKET && this.index === 0) {
            this.mode = 'done';
            i++;
            continue;
          }
          if (c === COMMA || c === CLOSE_BRACKET) throw new JsonStructureError('expected a value', at);
          this.begin(at, c);
          if (c === QUOTE) i++; // the opening quote is consumed here; the string scan starts after it
          continue;
        case 'after-element':
          if (c === COMMA) this.mode = 'before-element';
          else if (c === CLOSE_BRACKET) this.mode = 'done';
          else throw new JsonStructureError("expected ',' or ']' after a value", at);
          i++;
          continue;
        case 'done':
          if (!this.options.untilEnd) {
            throw new JsonStructureError('unexpected content after the end of the document', at);
          }
          i = len;
          continue;
      }
    }
    if (this.mode === 'element') {
      const from = this.parts.length ? 0 : this.elementStart - this.base;
      // Copy: the producer may reuse the chunk's memory once we return.
      this.parts.push(Buffer.from(buf.subarray(from)));
    }
    this.base += len;
  }

  /** Throws unless the document was complete. */
  end(): void {
    if (this.mode === 'element' && this.scalar) {
      throw new JsonStructureError('document ends inside a value (truncated?)', this.base);
    }
    if (this.mode !== 'done') {
      throw new JsonStructureError(this.mode === 'start' ? 'empty document' : 'document ends before it is complete (truncated?)', this.base);
    }
  }

  private begin(at: number, first: number): void {
    this.mode = 'element';
    this.elementStart = at;
    this.depth = 0;
    this.inString = first === QUOTE;
    this.scalar = !(first === OPEN_BRACE || first === OPEN_BRACKET || first === QUOTE);
  }

  private complete(buf: Buffer, end: number, out: RawRecord[]): void {
    const local = this.elementStart - this.base;
    let bytes: Buffer;
    if (this.parts.length) {
      this.parts.push(buf.subarray(0, end));
      bytes = Buffer.concat(this.parts);
      this.parts = [];
    } else {
      bytes = buf.subarray(local, end);
    }
    out.push({ bytes, offset: this.elementStart, index: this.index++ });
    this.scalar = false;
    this.mode = this.singleObject ? 'done' : 'after-element';
  }
}

/** Async-iterator form: records of a streamed document, in order. */
export async function* readJsonRecords(chunks: AsyncIterable<Buffer | string>): AsyncGenerator<RawRecord> {
  const splitter = new JsonRecordSplitter();
  const out: RawRecord[] = [];
  for await (const chunk of chunks) {
    splitter.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk, out);
    for (const record of out) yield record;
    out.length = 0;
  }
  splitter.end();
}
