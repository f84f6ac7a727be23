/**
 * Operations endpoints: /healthz (the store answers) and /metrics (Prometheus text format:
 * requests by method and status, time spent, deliveries by status, uptime). /metrics answers
 * loopback clients only, so it can be scraped locally or through a proxy that adds its own rules.
 */
import type { IncomingMessage } from 'node:http';
import type { App } from './app.js';
import type { DavResponse } from '../protocols/dav/http-types.js';

export class Metrics {
  private readonly requests = new Map<string, number>();
  private seconds = 0;
  private readonly started = Date.now();

  record(method: string, status: number, ms: number): void {
    const key = `${method}|${status}`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    this.seconds += ms / 1000;
  }

  async render(app: App): Promise<string> {
    const lines = [
      '# HELP reefknot_http_requests_total HTTP requests answered, by method and status.',
      '# TYPE reefknot_http_requests_total counter',
      ...[...this.requests].map(([k, n]) => {
        const [method, status] = k.split('|');
        return `reefknot_http_requests_total{method="${method}",status="${status}"} ${n}`;
      }),
      '# HELP reefknot_http_request_seconds_total Time spent answering requests.',
      '# TYPE reefknot_http_request_seconds_total counter',
      `reefknot_http_request_seconds_total ${this.seconds.toFixed(3)}`,
      '# HELP reefknot_deliveries Scheduling messages for other servers, by status.',
      '# TYPE reefknot_deliveries gauge',
    ];
    // Counted in the database, so every process reports the shared queue, and cheaply.
    const counts = await app.store.read((tx) => tx.countDeliveries());
    for (const status of ['pending', 'sent', 'delivered', 'failed'] as const) {
      lines.push(`reefknot_deliveries{status="${status}"} ${counts[status]}`);
    }
    lines.push('# HELP reefknot_uptime_seconds Seconds since the server started.', '# TYPE reefknot_uptime_seconds gauge', `reefknot_uptime_seconds ${Math.round((Date.now() - this.started) / 1000)}`);
    return `${lines.join('\n')}\n`;
  }
}

const isLoopback = (req: IncomingMessage): boolean => /^(127\.|::1$|::ffff:127\.)/.test(req.socket.remoteAddress ?? '');

/** Answers /healthz and /metrics, or null for every other path. */
export async function operations(req: IncomingMessage, path: string, app: App, metrics: Metrics): Promise<DavResponse | null> {
  if (path === '/healthz') {
    try {
      await app.store.read((tx) => tx.getUserById(0));
      return { status: 200, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' }, body: '{"status":"ok"}\n' };
    } catch {
      return { status: 503, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' }, body: '{"status":"store unavailable"}\n' };
    }
  }
  if (path !== '/metrics') return null;
  if (!isLoopback(req)) return { status: 403, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: '/metrics answers local clients only\n' };
  return { status: 200, headers: { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'cache-control': 'no-store' }, body: await metrics.render(app) };
}
