/**
 * Effective configuration: defaults, then a JSON config file (--config or REEFKNOT_CONFIG), then
 * REEFKNOT_* environment variables, then command-line flags (design.md "Processes").
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEFAULT_CALENDAR_LIMITS, type CalendarLimits } from '../domain/ical/limits.js';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface ServerConfig {
  /** Data folder holding the SQLite store (and, on either store, nothing else the server needs). */
  data: string;
  /** postgres://user:password@host:port/db for the PostgreSQL store; null: SQLite in `data`. */
  store: string | null;
  /** HOST:PORT to listen on. */
  listen: string;
  /** Public base URL (behind a reverse proxy); default derived from `listen`. */
  baseUrl: string | null;
  tlsCert: string | null;
  tlsKey: string | null;
  logLevel: LogLevel;
  /** Name of the user created when the store has none. */
  firstUser: string;
  /** Default quota for new users, bytes; null: unlimited. */
  quotaBytes: number | null;
  /** Largest request body accepted, bytes. */
  maxRequestBytes: number;
  /** smtp://[user:pass@]host:port or smtps://… — where iMIP mail goes out; null: none. */
  smtpRelay: string | null;
  /** HOST:PORT of the SMTP/LMTP listener taking calendar mail in; null: off. */
  mailListen: string | null;
  mailProtocol: 'lmtp' | 'smtp';
  /** Authentication inbound scheduling mail must pass: none, dkim or dmarc. */
  mailAuth: 'none' | 'dkim' | 'dmarc';
  /** How often the delivery worker looks for due messages, ms. */
  deliveryIntervalMs: number;
  /** How long a delivery being sent is one worker's alone; after a crash it is retried then, ms. */
  deliveryLeaseMs: number;
  /** HOST:PORT of the DNS resolver for iSchedule discovery and keys; null: the system's. */
  dnsServer: string | null;
  /** False: iSchedule only with configured peers (no DNS SRV / well-known discovery). */
  ischeduleDiscovery: boolean;
  /** HOST:PORT of the CIP listener (docs/cip.md); null: off. */
  cipListen: string | null;
  /** The CIP listener speaks TLS (with tlsCert/tlsKey). */
  cipTls: boolean;
  /** Accept CIP LOGIN passwords in clear from non-loopback addresses without TLS. */
  cipAllowPlainLogin: boolean;
  limits: CalendarLimits;
}

export const DEFAULT_CONFIG: ServerConfig = {
  data: './reefknot-data',
  store: null,
  listen: '127.0.0.1:8008',
  baseUrl: null,
  tlsCert: null,
  tlsKey: null,
  logLevel: 'info',
  firstUser: 'admin',
  quotaBytes: null,
  maxRequestBytes: 12 * 1024 * 1024,
  smtpRelay: null,
  mailListen: null,
  mailProtocol: 'lmtp',
  mailAuth: 'none',
  deliveryIntervalMs: 5_000,
  deliveryLeaseMs: 5 * 60_000,
  dnsServer: null,
  ischeduleDiscovery: true,
  cipListen: null,
  cipTls: false,
  cipAllowPlainLogin: false,
  limits: DEFAULT_CALENDAR_LIMITS,
};

/** Config keys, their environment variable and how to read a string value. */
const KEYS: { key: keyof ServerConfig; env: string; parse: (v: string) => unknown }[] = [
  { key: 'data', env: 'REEFKNOT_DATA', parse: String },
  { key: 'store', env: 'REEFKNOT_STORE', parse: (v) => (v === '' ? null : v) },
  { key: 'listen', env: 'REEFKNOT_LISTEN', parse: String },
  { key: 'baseUrl', env: 'REEFKNOT_BASE_URL', parse: String },
  { key: 'tlsCert', env: 'REEFKNOT_TLS_CERT', parse: String },
  { key: 'tlsKey', env: 'REEFKNOT_TLS_KEY', parse: String },
  { key: 'logLevel', env: 'REEFKNOT_LOG_LEVEL', parse: String },
  { key: 'firstUser', env: 'REEFKNOT_FIRST_USER', parse: String },
  { key: 'quotaBytes', env: 'REEFKNOT_QUOTA_BYTES', parse: (v) => (v === '' ? null : Number(v)) },
  { key: 'maxRequestBytes', env: 'REEFKNOT_MAX_REQUEST_BYTES', parse: Number },
  { key: 'smtpRelay', env: 'REEFKNOT_SMTP_RELAY', parse: String },
  { key: 'mailListen', env: 'REEFKNOT_MAIL_LISTEN', parse: String },
  { key: 'mailProtocol', env: 'REEFKNOT_MAIL_PROTOCOL', parse: String },
  { key: 'mailAuth', env: 'REEFKNOT_MAIL_AUTH', parse: String },
  { key: 'deliveryIntervalMs', env: 'REEFKNOT_DELIVERY_INTERVAL_MS', parse: Number },
  { key: 'deliveryLeaseMs', env: 'REEFKNOT_DELIVERY_LEASE_MS', parse: Number },
  { key: 'dnsServer', env: 'REEFKNOT_DNS_SERVER', parse: String },
  { key: 'ischeduleDiscovery', env: 'REEFKNOT_ISCHEDULE_DISCOVERY', parse: (v) => !['0', 'false', 'no', 'off'].includes(v.toLowerCase()) },
  { key: 'cipListen', env: 'REEFKNOT_CIP_LISTEN', parse: String },
  { key: 'cipTls', env: 'REEFKNOT_CIP_TLS', parse: (v) => ['1', 'true', 'yes', 'on'].includes(v.toLowerCase()) },
  { key: 'cipAllowPlainLogin', env: 'REEFKNOT_CIP_ALLOW_PLAIN_LOGIN', parse: (v) => ['1', 'true', 'yes', 'on'].includes(v.toLowerCase()) },
];

export type ConfigOverrides = Partial<Omit<ServerConfig, 'limits'>> & { limits?: Partial<CalendarLimits> };

export function loadConfig(opts: { configFile?: string; env?: NodeJS.ProcessEnv; flags?: ConfigOverrides }): ServerConfig {
  const env = opts.env ?? process.env;
  let config: ServerConfig = { ...DEFAULT_CONFIG, limits: { ...DEFAULT_CONFIG.limits } };
  const file = opts.configFile ?? env.REEFKNOT_CONFIG;
  if (file) config = merge(config, readConfigFile(file));
  const fromEnv: Record<string, unknown> = {};
  for (const k of KEYS) {
    const v = env[k.env];
    if (v !== undefined) fromEnv[k.key] = k.parse(v);
  }
  config = merge(config, fromEnv as ConfigOverrides);
  config = merge(config, opts.flags ?? {});
  validate(config);
  return config;
}

function readConfigFile(file: string): ConfigOverrides {
  let text: string;
  try {
    text = readFileSync(resolve(file), 'utf8');
  } catch (e) {
    throw new Error(`Cannot read the config file ${file}: ${(e as Error).message}`);
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    const known = new Set([...KEYS.map((k) => k.key as string), 'limits']);
    const unknown = Object.keys(parsed).filter((k) => !known.has(k));
    if (unknown.length) throw new Error(`unknown key(s) ${unknown.join(', ')}`);
    return parsed as ConfigOverrides;
  } catch (e) {
    throw new Error(`The config file ${file} is not valid: ${(e as Error).message}`);
  }
}

function merge(base: ServerConfig, over: ConfigOverrides): ServerConfig {
  const defined = Object.fromEntries(Object.entries(over).filter(([k, v]) => v !== undefined && k !== 'limits'));
  return { ...base, ...defined, limits: { ...base.limits, ...(over.limits ?? {}) } };
}

function validate(c: ServerConfig): void {
  if (c.store !== null && !/^postgres(ql)?:\/\/[^/]/i.test(c.store)) throw new Error(`store '${redactUrl(c.store)}' must be a postgres://user:password@host:port/database URL (leave it unset for SQLite in the data folder)`);
  parseListen(c.listen);
  if (c.baseUrl !== null) {
    try {
      new URL(c.baseUrl);
    } catch {
      throw new Error(`baseUrl '${c.baseUrl}' is not an absolute URL`);
    }
  }
  if ((c.tlsCert === null) !== (c.tlsKey === null)) throw new Error('tlsCert and tlsKey must be given together');
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(c.logLevel)) throw new Error(`logLevel '${c.logLevel}' is not a level`);
  if (c.quotaBytes !== null && !(Number.isInteger(c.quotaBytes) && c.quotaBytes >= 0)) throw new Error('quotaBytes must be a whole number of bytes');
  if (!(Number.isInteger(c.maxRequestBytes) && c.maxRequestBytes > 0)) throw new Error('maxRequestBytes must be a positive whole number');
  if (c.smtpRelay !== null && !/^smtps?:\/\/[^/]+/i.test(c.smtpRelay)) throw new Error(`smtpRelay '${c.smtpRelay}' must look like smtp://[user:pass@]host:port or smtps://…`);
  if (c.mailListen !== null) parseListen(c.mailListen);
  if (!['lmtp', 'smtp'].includes(c.mailProtocol)) throw new Error('mailProtocol must be lmtp or smtp');
  if (!['none', 'dkim', 'dmarc'].includes(c.mailAuth)) throw new Error('mailAuth must be none, dkim or dmarc');
  if (!(c.deliveryIntervalMs > 0)) throw new Error('deliveryIntervalMs must be positive');
  if (!(c.deliveryLeaseMs > 0)) throw new Error('deliveryLeaseMs must be positive');
  if (c.dnsServer !== null) parseListen(c.dnsServer);
  if (c.cipListen !== null) parseListen(c.cipListen);
  if (c.cipTls && c.tlsCert === null) throw new Error('cipTls needs tlsCert and tlsKey');
}

export function parseListen(listen: string): { host: string; port: number } {
  const m = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(listen);
  const port = Number(m?.[2]);
  if (!m || !m[1] || port > 65535) throw new Error(`listen '${listen}' must be HOST:PORT, e.g. 127.0.0.1:8008`);
  return { host: m[1].replace(/^\[|\]$/g, ''), port };
}

export function publicBaseUrl(c: ServerConfig, actualPort?: number): string {
  if (c.baseUrl) return c.baseUrl.replace(/\/$/, '');
  const { host, port } = parseListen(c.listen);
  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return `${c.tlsCert ? 'https' : 'http'}://${shownHost}:${actualPort ?? port}`;
}

/** The URL with its password replaced, for logs and `config show`. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)[^@/]*@/i, '$1***@');
}
