/**
 * `reefknot imip ingest|quarantine`, `reefknot queue`, `reefknot attendee set` (docs/email.md):
 * scheduling by email from the command line. Safe while `serve` runs: each is one store transaction.
 */
import type { Command } from 'commander';
import { attendeeMessages } from '../domain/itip/index.js';
import { ReefknotError } from '../domain/errors.js';
import { parseInbound, type MailAuthPolicy } from '../protocols/imip/inbound.js';
import { normaliseAddress } from '../services/users.js';
import { userCopy } from '../services/scheduling/calendar-users.js';
import { setPartstat } from '../services/scheduling/rooms.js';
import { configFrom, out, withApp } from './common.js';

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export function registerMailCommands(program: Command): void {
  const imip = program.command('imip').description('scheduling by email (iMIP, RFC 6047)');
  imip
    .command('ingest')
    .description('apply one calendar email read from standard input (pipe delivery from the mail system)')
    .action(async (_o: unknown, cmd: Command) => {
      const raw = await readStdin();
      const config = configFrom(cmd);
      const message = await parseInbound(raw, config.mailAuth as MailAuthPolicy);
      const outcome = await withApp(cmd, (app) => app.receive.receive(message));
      if (outcome.kind === 'rejected') throw new Error(`not applied: ${outcome.reason}`);
      if (outcome.kind === 'quarantined') out(`quarantined as #${outcome.id}: ${outcome.reason}`);
      else if (outcome.kind === 'duplicate') out('already applied (same Message-ID); nothing to do');
      else out(outcome.results.map((r) => `${r.recipient.replace(/^mailto:/, '')}: ${r.requestStatus}`).join('\n'));
    });

  const q = imip.command('quarantine').description('review inbound calendar mail that failed a check');
  q.command('list').description('list quarantined messages').action(async (_o: unknown, cmd: Command) => {
    const rows = await withApp(cmd, (app) => app.receive.listQuarantine());
    for (const r of rows) out(`#${r.id}\t${new Date(r.receivedAt).toISOString()}\tfrom ${r.sender}\tto ${r.recipients.join(', ')}\t${r.reason}`);
    if (rows.length === 0) out('the quarantine is empty');
  });
  q.command('show <id>').description('print a quarantined message as received').action(async (id: string, _o: unknown, cmd: Command) => {
    const row = await withApp(cmd, (app) => app.receive.getQuarantine(Number(id)));
    if (!row) throw new ReefknotError('not-found', `No quarantined message #${id}`);
    out(`Reason: ${row.reason}`);
    process.stdout.write(row.raw);
  });
  q.command('release <id>').description('apply a quarantined message anyway, then remove it').action(async (id: string, _o: unknown, cmd: Command) => {
    await withApp(cmd, async (app) => {
      const row = await app.receive.getQuarantine(Number(id));
      if (!row) throw new ReefknotError('not-found', `No quarantined message #${id}`);
      const message = await parseInbound(row.raw, 'none', { rcptTo: row.recipients });
      const outcome = await app.receive.receive(message, { trusted: true });
      await app.receive.dropQuarantine(row.id);
      out(`released #${id}: ${outcome.kind}`);
    });
  });
  q.command('drop <id>').description('delete a quarantined message').action(async (id: string, _o: unknown, cmd: Command) => {
    if (!(await withApp(cmd, (app) => app.receive.dropQuarantine(Number(id))))) throw new ReefknotError('not-found', `No quarantined message #${id}`);
    out(`dropped #${id}`);
  });

  const queue = program.command('queue').description('messages waiting for recipients on other servers');
  queue.command('list').description('list deliveries').option('--all', 'include sent and failed ones').action(async (o: { all?: boolean }, cmd: Command) => {
    const rows = await withApp(cmd, (app) => app.store.read((tx) => tx.listDeliveries(o.all ? {} : { status: 'pending' })));
    for (const d of rows) out(`#${d.id}\t${d.status}\t${d.scheduleStatus}\t${d.method}\t${d.uid}\tto ${d.recipient.replace(/^mailto:/, '')}\tattempts ${d.attempts}${d.lastError ? `\t${d.lastError}` : ''}`);
    if (rows.length === 0) out(o.all ? 'no deliveries' : 'nothing is waiting');
  });
  queue.command('retry <id>').description('try a delivery again now').action(async (id: string, _o: unknown, cmd: Command) => {
    await withApp(cmd, (app) => app.store.write((tx) => tx.updateDelivery(Number(id), { status: 'pending', nextTry: Date.now(), attempts: 0, lastError: null }, Date.now())));
    out(`#${id} will be tried again`);
  });
  queue.command('drop <id>').description('give up on a delivery').action(async (id: string, _o: unknown, cmd: Command) => {
    await withApp(cmd, (app) => app.store.write((tx) => tx.updateDelivery(Number(id), { status: 'failed', scheduleStatus: '5.1', lastError: 'dropped by an administrator' }, Date.now())));
    out(`#${id} dropped`);
  });

  program
    .command('attendee')
    .description("record an attendee's answer received by other means")
    .command('set')
    .description('set an attendee\'s PARTSTAT on the organizer\'s copy, as if they had replied')
    .requiredOption('--user <name>', 'the organizer')
    .requiredOption('--uid <uid>', 'the event')
    .requiredOption('--attendee <address>', 'the attendee, e.g. mailto:f@example.com')
    .requiredOption('--partstat <value>', 'ACCEPTED, DECLINED, TENTATIVE, DELEGATED, IN-PROCESS or COMPLETED')
    .action(async (o: { user: string; uid: string; attendee: string; partstat: string }, cmd: Command) => {
      const partstat = o.partstat.toUpperCase();
      if (!['ACCEPTED', 'DECLINED', 'TENTATIVE', 'DELEGATED', 'IN-PROCESS', 'COMPLETED', 'NEEDS-ACTION'].includes(partstat)) throw new Error(`--partstat ${o.partstat} is not a participation status`);
      const attendee = normaliseAddress(o.attendee);
      await withApp(cmd, (app) => app.store.write(async (tx) => {
        const owner = await tx.getUserByName(o.user);
        if (!owner) throw new ReefknotError('not-found', `There is no user named '${o.user}'`);
        const copy = await userCopy(tx, owner, o.uid);
        if (!copy) throw new ReefknotError('not-found', `${o.user} has no event with UID ${o.uid}`);
        const reply = attendeeMessages({ before: copy.text, after: setPartstat(copy.text, attendee, partstat), attendeeAddress: attendee, now: new Date() })[0];
        if (!reply) throw new Error(`${attendee.slice(7)} is not an attendee of ${o.uid}, or already has PARTSTAT ${partstat}`);
        await app.delivery.deliverLocal(tx, { ...reply, recipients: [reply.recipients[0] ?? ''] }, reply.recipients[0] ?? '', owner);
      }));
      out(`Recorded ${attendee.slice(7)} as ${partstat} on ${o.user}'s ${o.uid}`);
    });
}
