/**
 * `reefknot cip peer|redirect` (docs/cip.md): the domains that may log in to the CIP listener —
 * and that this server sends to over CIP — with their shared password, and the REDIRECTs for user
 * identifiers that moved. Safe while `serve` runs: the server reads both per session.
 */
import type { Command } from 'commander';
import { ReefknotError } from '../domain/errors.js';
import { CipPeers } from '../services/scheduling/cip-peers.js';
import { out, withApp } from './common.js';
import { readStdinLine } from './prompt.js';

function registerPeerCommands(cip: Command): void {
  const peer = cip.command('peer').description('servers that exchange events with this one over CIP');
  peer.command('add <domain>').description('record the password DOMAIN logs in with here (and this server uses to log in there)')
    .option('--password-stdin', 'read the shared password as one line from standard input')
    .option('--host <host:port>', "the peer's CIP listener (default: DNS SRV _cip._tcp.DOMAIN, else DOMAIN:5545)")
    .option('--tls', "connect to the peer's listener over TLS")
    .action(async (domain: string, o: { passwordStdin?: boolean; host?: string; tls?: boolean }, cmd: Command) => {
      if (!o.passwordStdin) throw new ReefknotError('bad-request', 'give the shared password on standard input with --password-stdin');
      const password = await readStdinLine();
      const row = await withApp(cmd, (app) => new CipPeers(app.context).addPeer(domain, { password, host: o.host ?? null, tls: o.tls ?? false }));
      out(`CIP peer ${row.domain}: logs in here as '${row.domain}'; reached at ${row.host ?? 'DNS SRV _cip._tcp.' + row.domain}${row.tls ? ' over TLS' : ''}`);
    });
  peer.command('list').description('list CIP peers').action(async (_o: unknown, cmd: Command) => {
    const rows = await withApp(cmd, (app) => new CipPeers(app.context).peers());
    for (const r of rows) out(`${r.domain}\t${r.host ?? '(discovered)'}\t${r.tls ? 'tls' : 'tcp'}`);
    if (rows.length === 0) out('no peers');
  });
  peer.command('remove <domain>').description('stop exchanging events with DOMAIN over CIP').action(async (domain: string, _o: unknown, cmd: Command) => {
    if (!(await withApp(cmd, (app) => new CipPeers(app.context).removePeer(domain)))) throw new ReefknotError('not-found', `No CIP peer ${domain}`);
    out(`removed ${domain}`);
  });
}

function registerRedirectCommands(cip: Command): void {
  const redirect = cip.command('redirect').description('user identifiers that moved (answered * REDIRECT USER old IS NOW new)');
  redirect.command('add <old> <new>').description('answer REDIRECT for OLD, naming NEW').action(async (from: string, to: string, _o: unknown, cmd: Command) => {
    const row = await withApp(cmd, (app) => new CipPeers(app.context).addRedirect(from, to));
    out(`${row.address} IS NOW ${row.target}`);
  });
  redirect.command('list').description('list redirects').action(async (_o: unknown, cmd: Command) => {
    const rows = await withApp(cmd, (app) => new CipPeers(app.context).redirects());
    for (const r of rows) out(`${r.address}\t${r.target}`);
    if (rows.length === 0) out('no redirects');
  });
  redirect.command('remove <old>').description('stop redirecting OLD').action(async (from: string, _o: unknown, cmd: Command) => {
    if (!(await withApp(cmd, (app) => new CipPeers(app.context).removeRedirect(from)))) throw new ReefknotError('not-found', `No redirect for ${from}`);
    out(`removed ${from}`);
  });
}

export function registerCipCommands(program: Command): void {
  const cip = program.command('cip').description('the CIP gateway: exchanging events with CIP servers (docs/cip.md)');
  registerPeerCommands(cip);
  registerRedirectCommands(cip);
}
