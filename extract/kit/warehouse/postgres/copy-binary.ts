/**
 * PostgreSQL binary COPY encoding. Binary, not text: records pass through as the vendor's bytes with no
 * escaping pass, which is the single biggest cost of text COPY for JSON full of backslashes and quotes.
 */

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const JSONB_VERSION = 1;

export type CopyField =
  | { kind: 'text'; value: string | Buffer | null }
  | { kind: 'jsonb'; value: Buffer | null }
  | { kind: 'int8'; value: number | null };

/** Accumulates tuples into large buffers so the socket sees few, big writes. */
export class BinaryCopyWriter {
  private chunk: Buffer;
  private pos = 0;

  constructor(private readonly chunkSize = 1 << 20) {
    this.chunk = Buffer.allocUnsafe(chunkSize);
    SIGNATURE.copy(this.chunk, 0);
    this.chunk.writeInt32BE(0, 11); // flags
    this.chunk.writeInt32BE(0, 15); // header extension length
    this.pos = 19;
  }

  /** Appends one tuple; returns full buffers ready to send (usually none). */
  tuple(fields: readonly CopyField[], ready: Buffer[]): void {
    let size = 2;
    for (const f of fields) size += 4 + fieldLength(f);
    this.reserve(size, ready);
    const buf = this.chunk;
    let p = this.pos;
    buf.writeInt16BE(fields.length, p);
    p += 2;
    for (const f of fields) {
      if (f.value === null) {
        buf.writeInt32BE(-1, p);
        p += 4;
        continue;
      }
      switch (f.kind) {
        case 'int8':
          buf.writeInt32BE(8, p);
          buf.writeBigInt64BE(BigInt(f.value), p + 4);
          p += 12;
          break;
        case 'jsonb':
          buf.writeInt32BE(f.value.length + 1, p);
          buf[p + 4] = JSONB_VERSION;
          f.value.copy(buf, p + 5);
          p += 5 + f.value.length;
          break;
        case 'text':
          if (typeof f.value === 'string') {
            const written = buf.write(f.value, p + 4, 'utf8');
            buf.writeInt32BE(written, p);
            p += 4 + written;
          } else {
            buf.writeInt32BE(f.value.length, p);
            f.value.copy(buf, p + 4);
            p += 4 + f.value.length;
          }
          break;
      }
    }
    this.pos = p;
  }

  /** The trailer and whatever is still buffered. */
  finish(ready: Buffer[]): void {
    this.reserve(2, ready);
    this.chunk.writeInt16BE(-1, this.pos);
    this.pos += 2;
    this.flush(ready);
  }

  flush(ready: Buffer[]): void {
    if (this.pos === 0) return;
    ready.push(this.chunk.subarray(0, this.pos));
    this.chunk = Buffer.allocUnsafe(this.chunkSize);
    this.pos = 0;
  }

  private reserve(size: number, ready: Buffer[]): void {
    if (this.pos + size <= this.chunk.length) return;
    this.flush(ready);
    if (size > this.chunk.length) this.chunk = Buffer.allocUnsafe(size);
  }
}

function fieldLength(f: CopyField): number {
  if (f.value === null) return 0;
  switch (f.kind) {
    case 'int8':
      return 8;
    case 'jsonb':
      return f.value.length + 1;
    case 'text':
      return typeof f.value === 'string' ? Buffer.byteLength(f.value) : f.value.length;
  }
}
