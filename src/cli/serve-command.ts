/** `reefknot serve` and `reefknot config show`. */
import type { Command } from 'commander';
import { redactUrl, type ConfigOverrides, type LogLevel } from '../server/config.js';
import { serve } from '../server/serve.js';
import { configFrom, out } from './common.js';

interface ServeOptions {
  listen?: string;
  baseUrl?: string;
  tlsCert?: string;
  tlsKey?: string;
  logLevel?: string;
  firstUser?: string;
  quota?: string;
  smtpRelay?: string;
  mailListen?: string;
  mailProtocol?: string;
  mailAuth?: string;
  discovery?: boolean;
  dnsServer?: string;
  cipListen?: string;
  cipTls?: boolean;
  cipAllowPlainLogin?: boolean;
}

function overrides(o: ServeOptions): ConfigOverrides {
  const f: ConfigOverrides = {};
  if (o.listen) f.listen = o.listen;
  if (o.baseUrl) f.baseUrl = o.baseUrl;
  if (o.tlsCert) f.tlsCert = o.tlsCert;
  if (o.tlsKey) f.tlsKey = o.tlsKey;
  if (o.logLevel) f.logLevel = o.logLevel as LogLevel;
  if (o.firstUser) f.firstUser = o.firstUser;
  if (o.quota !== undefined) f.quotaBytes = Number(o.quota);
  if (o.smtpRelay) f.smtpRelay = o.smtpRelay;
  if (o.mailListen) f.mailListen = o.mailListen;
  if (o.mailProtocol) f.mailProtocol = o.mailProtocol as 'lmtp' | 'smtp';
  if (o.mailAuth) f.mailAuth = o.mailAuth as 'none' | 'dkim' | 'dmarc';
  if (o.discovery === false) f.ischeduleDiscovery = false;
  if (o.dnsServer) f.dnsServer = o.dnsServer;
  if (o.cipListen) f.cipListen = o.cipListen;
  if (o.cipTls) f.cipTls = true;
  if (o.cipAllowPlainLogin) f.cipAllowPlainLogin = true;
  return f;
}

export function registerServeCommands(program: Command): void {
  program
    .command('serve')
    .description('run the server (CalDAV over HTTP) on the data folder, creating it if needed')
    .option('--listen <host:port>', 'address to listen on (default 127.0.0.1:8008)')
    .option('--base-url <url>', 'public URL, when behind a reverse proxy')
    .option('--tls-cert <file>', 'PEM certificate, to serve HTTPS')
    .option('--tls-key <file>', 'PEM private key for --tls-cert')
    .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent')
    .option('--first-user <name>', 'user created on an empty data folder (default admin)')
    .option('--quota <bytes>', 'default quota for new users, in bytes')
    .option('--smtp-relay <url>', 'send invitations by email through smtp://[user:pass@]host:port (or smtps://)')
    .option('--mail-listen <host:port>', 'accept calendar mail from the mail system on this address')
    .option('--mail-protocol <protocol>', 'lmtp (default) or smtp for --mail-listen')
    .option('--mail-auth <policy>', 'authentication inbound mail must pass: none (default), dkim or dmarc')
    .option('--no-discovery', 'iSchedule only with configured peers (no DNS SRV or well-known discovery)')
    .option('--dns-server <host:port>', 'DNS resolver for iSchedule discovery and keys (default: the system\'s)')
    .option('--cip-listen <host:port>', 'accept CIP sessions from peer servers on this address (docs/cip.md)')
    .option('--cip-tls', 'the CIP listener speaks TLS with --tls-cert/--tls-key')
    .option('--cip-allow-plain-login', 'accept CIP LOGIN passwords in clear from non-loopback addresses without TLS')
    .action(async (opts: ServeOptions, cmd: Command) => {
      const config = configFrom(cmd, overrides(opts));
      const handle = await serve(config);
      await new Promise<void>((resolve) => {
        const onSignal = (): void => {
          void handle.stop().then(resolve);
        };
        process.once('SIGTERM', onSignal);
        process.once('SIGINT', onSignal);
      });
    });

  const config = program.command('config').description('configuration');
  config
    .command('show')
    .description('print the effective configuration (file, then REEFKNOT_* variables, then flags)')
    .action((_opts: unknown, cmd: Command) => {
      const config = configFrom(cmd);
      out(JSON.stringify({ ...config, store: config.store === null ? null : redactUrl(config.store) }, null, 2));
    });
}
