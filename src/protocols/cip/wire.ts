/**
 * CIP's line discipline (draft-ietf-calsch-cip-00 §1.4): CRLF-terminated lines of ISO 8859-1
 * (decoded as latin1, one character per byte, so lengths are bytes), bounded in length; data
 * blocks end with a line holding a single "." and lines that begin with "." carry one more.
 */

export const CRLF = '\r\n';

/** Splits a byte stream into lines; calls `overflow` (once) when a line passes `maxLineBytes`. */
export class LineReader {
  private buffer = '';
  private dead = false;

  constructor(private readonly maxLineBytes: number, private readonly onLine: (line: string) => void, private readonly overflow: () => void) {}

  push(chunk: Buffer): void {
    if (this.dead) return;
    this.buffer += chunk.toString('latin1');
    let nl: number;
    while (!this.dead && (nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl).replace(/\r$/, '');
      this.buffer = this.buffer.slice(nl + 1);
      if (line.length > this.maxLineBytes) return this.fail();
      this.onLine(line);
    }
    if (this.buffer.length > this.maxLineBytes + 1) this.fail();
  }

  stop(): void {
    this.dead = true;
    this.buffer = '';
  }

  private fail(): void {
    this.stop();
    this.overflow();
  }
}

/** Removes the stuffing of one data line (SMTP-style: a leading "." was doubled). */
export const unstuff = (line: string): string => (line.startsWith('..') ? line.slice(1) : line);

/** A line safe to send: one line, ISO 8859-1 only. */
export const wireText = (text: string): string => text.replace(/[\r\n]+/g, ' ').replace(/[^\u0020-\u007e\u00a0-\u00ff]/g, '?');

export const encodeLine = (line: string): Buffer => Buffer.from(`${line}${CRLF}`, 'latin1');
