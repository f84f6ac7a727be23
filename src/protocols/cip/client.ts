/**
 * The client side of a CIP session (draft-ietf-calsch-cip-00 §1.4): connect (TCP or TLS), read the
 * greeting, send a command — with its data block, dot-stuffed and dot-terminated — and collect
 * the informational lines, any `+` data block and the OK/NO completion. Every wait is bounded.
 */
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { dotStuff } from './vcal-lines.js';
import { encodeLine, LineReader, unstuff } from './wire.js';

export interface CipReply { ok: boolean; code: string; text: string; info: string[]; data: string[] | null }

export class CipClient {
  private readonly lines: string[] = [];
  private waiter: ((line: string | Error) => void) | null = null;
  private failure: Error | null = null;
  greeting = '';

  private constructor(private readonly socket: Socket) {
    const reader = new LineReader(64 * 1024, (l) => this.deliver(l), () => this.fail(new Error('the server sent an overlong line')));
    socket.on('data', (c: Buffer) => reader.push(c));
    socket.on('error', (e) => this.fail(e));
    socket.on('close', () => this.fail(new Error('the server closed the connection')));
    socket.on('timeout', () => {
      this.fail(new Error('the server did not answer in time'));
      socket.destroy();
    });
  }

  static async connect(o: { address: string; port: number; servername: string; tls: boolean; timeoutMs: number }): Promise<CipClient> {
    const socket = o.tls ? tlsConnect({ host: o.address, port: o.port, servername: o.servername }) : netConnect({ host: o.address, port: o.port });
    socket.setTimeout(o.timeoutMs);
    const client = new CipClient(socket);
    client.greeting = await client.readLine();
    return client;
  }

  private deliver(line: string): void {
    const w = this.waiter;
    this.waiter = null;
    if (w) w(line);
    else this.lines.push(line);
  }

  private fail(e: Error): void {
    this.failure ??= e;
    const w = this.waiter;
    this.waiter = null;
    w?.(e);
  }

  private readLine(): Promise<string> {
    const next = this.lines.shift();
    if (next !== undefined) return Promise.resolve(next);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiter = (l) => (l instanceof Error ? reject(l) : resolve(l));
    });
  }

  async command(line: string, data?: string[]): Promise<CipReply> {
    const out = [line, ...(data ? [...dotStuff(data), '.'] : [])];
    this.socket.write(Buffer.concat(out.map(encodeLine)));
    const reply: CipReply = { ok: false, code: '', text: '', info: [], data: null };
    for (;;) {
      const l = await this.readLine();
      const done = /^(OK|NO)(?:\s+(\d{3}))?\s*(.*)$/.exec(l);
      if (l === '+') reply.data = await this.readData();
      else if (l.startsWith('*')) reply.info.push(l.slice(1).trim());
      else if (done) return { ...reply, ok: done[1] === 'OK', code: done[2] ?? '000', text: done[3] ?? '' };
    }
  }

  private async readData(): Promise<string[]> {
    const data: string[] = [];
    for (let l = await this.readLine(); l !== '.'; l = await this.readLine()) data.push(unstuff(l));
    return data;
  }

  close(): void {
    this.socket.end();
    this.socket.destroy();
  }
}
