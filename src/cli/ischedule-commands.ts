/**
 * `reefknot ischedule keygen|key|peer` (docs/ischedule.md): this server's iSchedule signing key and
 * the remote domains it trusts. Safe while `serve` runs: the server reads both per request.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ReefknotError } from '../domain/errors.js';
import { DEFAULT_SELECTOR, dkimKeyRecord, ISchedulePeers, parsePermissions } from '../services/scheduling/ischedule-peers.js';
import { out, withApp } from './common.js';

/** The key record as a zone-file TXT line: strings of at most 255 characters (RFC 1035 §3.3.14). */
export function txtRecordLine(domain: string, selector: string, publicKeyPem: string): string {
  const record = dkimKeyRecord(publicKeyPem);
  const chunks = record.match(/.{1,255}/g) ?? [];
  return `${selector}._domainkey.${domain}. IN TXT ${chunks.map((c) => `"${c}"`).join(' ')}`;
}

function registerPeerCommands(ischedule: Command): void {
  const peer = ischedule.command('peer').description('remote domains this server schedules with in real time');
  peer.command('add <domain>').description('trust a remote domain (or change what it may do)')
    .option('--url <url>', "the peer's iSchedule URL (default: found by DNS SRV, then https://DOMAIN/.well-known/ischedule)")
    .option('--key <pemFile>', "pin the peer's public key (default: its DNS TXT key record, or its well-known key URL)")
    .option('--allow <list>', 'what it may do here: deliver, freebusy, rooms (default deliver,freebusy)')
    .action(async (domain: string, o: { url?: string; key?: string; allow?: string }, cmd: Command) => {
      const publicKeyPem = o.key ? readFileSync(o.key, 'utf8') : null;
      const allow = o.allow !== undefined ? parsePermissions(o.allow) : undefined;
      const row = await withApp(cmd, (app) => new ISchedulePeers(app.context).addPeer(domain, { url: o.url ?? null, publicKeyPem, allow }));
      out(`Peer ${row.domain}: allowed ${row.allow.join(',') || 'nothing'}; ${row.url ? `at ${row.url}` : 'found by DNS'}; key ${row.publicKeyPem ? 'pinned' : 'from DNS TXT or well-known URL'}`);
    });
  peer.command('list').description('list trusted peers').action(async (_o: unknown, cmd: Command) => {
    const rows = await withApp(cmd, (app) => new ISchedulePeers(app.context).peers());
    for (const r of rows) out(`${r.domain}\tallow ${r.allow.join(',') || '-'}\t${r.url ?? '(discovered)'}\t${r.publicKeyPem ? 'key pinned' : 'key from DNS'}`);
    if (rows.length === 0) out('no peers');
  });
  peer.command('remove <domain>').description('stop trusting a remote domain').action(async (domain: string, _o: unknown, cmd: Command) => {
    if (!(await withApp(cmd, (app) => new ISchedulePeers(app.context).removePeer(domain)))) throw new ReefknotError('not-found', `No peer ${domain}`);
    out(`removed ${domain}`);
  });
}

export function registerIScheduleCommands(program: Command): void {
  const ischedule = program.command('ischedule').description('real-time scheduling with other servers (iSchedule)');
  ischedule.command('keygen').description("make this server's signing key for a domain (RSA 2048) and print the DNS record to publish")
    .requiredOption('--domain <domain>', 'the domain of your users\' addresses, e.g. foo.example')
    .option('--selector <name>', 'DKIM selector', DEFAULT_SELECTOR)
    .option('--public-key-out <file>', 'also write the public key (PEM), to hand to peers who pin it')
    .action(async (o: { domain: string; selector: string; publicKeyOut?: string }, cmd: Command) => {
      const key = await withApp(cmd, (app) => new ISchedulePeers(app.context).keygen(o.domain, o.selector));
      if (o.publicKeyOut) writeFileSync(o.publicKeyOut, key.publicKeyPem);
      out(`Publish this DNS TXT record (name ${key.selector}._domainkey.${key.domain}):`);
      out(txtRecordLine(key.domain, key.selector, key.publicKeyPem));
      if (o.publicKeyOut) out(`The public key is in ${o.publicKeyOut}`);
    });
  ischedule.command('key').description("print this server's key record for a domain").requiredOption('--domain <domain>', 'the domain')
    .action(async (o: { domain: string }, cmd: Command) => {
      const key = await withApp(cmd, (app) => new ISchedulePeers(app.context).key(o.domain));
      if (!key) throw new ReefknotError('not-found', `No key for ${o.domain}: make one with reefknot ischedule keygen --domain ${o.domain}`);
      out(txtRecordLine(key.domain, key.selector, key.publicKeyPem));
      process.stdout.write(key.publicKeyPem);
    });
  registerPeerCommands(ischedule);
}
