/**
 * `reefknot cal` scheduling commands (docs/client.md): the inbox of iTIP messages (RFC 5546),
 * reading iMIP mail in (RFC 6047), and answering: accept, decline, tentative, delegate, counter;
 * the organizer's answer to a counter-proposal: accept-counter, decline-counter.
 */
import type { Command } from 'commander';
import { mailFiles, readRaw } from '../client/imip-mail.js';
import { acceptCounterProposal, answer, counter, declineCounterProposal, inboxSummary, receiveMail, type Answer } from '../client/schedule.js';
import { ClientError } from '../client/profile.js';
import { collect, print, withClient } from './cal-common.js';

function registerInbox(cal: Command): void {
  cal.command('inbox').description('invitations and answers waiting').option('--all', 'also the ones dealt with, and refused mail').option('--json')
    .action(async (o: { all?: boolean; json?: boolean }, cmd: Command) => withClient(cmd, (c) => {
      const items = c.store.inbox(o.all);
      if (o.json) return print(JSON.stringify(items.map(({ ical: _i, ...rest }) => rest), null, 2));
      if (items.length === 0) return print('The inbox is empty.');
      for (const i of items) print(`${String(i.id).padStart(3)}  ${i.method.padEnd(8)} ${i.state.padEnd(7)} from ${i.sender}  ${inboxSummary(i.ical)}  ${i.uid}\n       ${i.description}`);
    }));
  cal.command('dismiss').description('mark an inbox item dealt with: its number, or every waiting item of a UID').argument('<id-or-uid>')
    .action(async (ref: string, _o: unknown, cmd: Command) => withClient(cmd, (c) => {
      const item = /^\d+$/.test(ref) ? c.store.inboxItem(Number(ref)) : null;
      let n = 0;
      if (item?.state === 'new') {
        c.store.setInboxItemState(item.id, 'done');
        n = 1;
      } else if (!item) n = c.store.setInboxState(ref, 'done');
      if (n === 0) throw new ClientError(`nothing waiting in the inbox for '${ref}'`, 3);
      print(`dismissed ${n} item(s)`);
    }));
  cal.command('fetch').description('read iMIP mail into the inbox: a file, a folder of .eml, or a maildir (default: the profile\'s)').argument('[path]')
    .action(async (path: string | undefined, _o: unknown, cmd: Command) => withClient(cmd, async (c) => {
      const from = path ?? c.profile.mailIn;
      if (!from) throw new ClientError('no mail folder: give a path or set one with cal init --mail-in', 2);
      let refused = 0;
      for (const file of mailFiles(from)) {
        const r = await receiveMail(c, readRaw(file));
        if (r.outcome === 'refused') refused++;
        if (r.outcome !== 'duplicate') print(`${file}: ${r.outcome}: ${r.description}`);
      }
      if (refused) process.exitCode = 5;
    }));
}

function registerAnswers(cal: Command): void {
  const answers: [string, Answer][] = [['accept', 'ACCEPTED'], ['decline', 'DECLINED'], ['tentative', 'TENTATIVE']];
  for (const [name, partstat] of answers) {
    cal.command(name).description(name === 'tentative' ? 'answer an invitation with maybe (TENTATIVE)' : `${name} an invitation`).argument('<uid>').option('--comment <text>')
      .action(async (uid: string, o: { comment?: string }, cmd: Command) => withClient(cmd, async (c) => {
        const how = await answer(c, uid, partstat, o.comment ? { comment: o.comment } : {});
        print(`${partstat.toLowerCase()}${how ? `; ${how}` : ''}`);
      }));
  }
  cal.command('delegate').description('hand an invitation to someone else').argument('<uid>').argument('<address>').option('--comment <text>')
    .action(async (uid: string, to: string, o: { comment?: string }, cmd: Command) => withClient(cmd, async (c) => {
      const how = await answer(c, uid, 'DELEGATED', { delegateTo: to, ...(o.comment ? { comment: o.comment } : {}) });
      print(`delegated to ${to}${how ? `; ${how}` : ''}`);
    }));
  cal.command('counter').description('propose another time or place to the organizer').argument('<uid>')
    .option('--start <when>').option('--end <when>').option('--duration <d>').option('--location <text>').option('--comment <text>')
    .action(async (uid: string, o: { start?: string; end?: string; duration?: string; location?: string; comment?: string }, cmd: Command) => withClient(cmd, async (c) => {
      const { comment, ...f } = o;
      print(await counter(c, uid, f, comment));
    }));
  cal.command('accept-counter').description('organizer: accept a counter-proposal from the inbox (the event changes, attendees get the new time)')
    .argument('<id>', 'the inbox number (cal inbox), or the UID').option('--comment <text>')
    .action(async (ref: string, o: { comment?: string }, cmd: Command) => withClient(cmd, async (c) => {
      print(`accepted the proposal; ${await acceptCounterProposal(c, ref, o.comment)}`);
    }));
  cal.command('decline-counter').description('organizer: decline a counter-proposal from the inbox (DECLINECOUNTER)')
    .argument('<id>', 'the inbox number (cal inbox), or the UID').option('--comment <text>')
    .option('--from <address>', 'who sent the COUNTER, when it names several attendees')
    .action(async (ref: string, o: { comment?: string; from?: string }, cmd: Command) => withClient(cmd, async (c) => {
      print(`declined the proposal; ${await declineCounterProposal(c, ref, o.comment, o.from)}`);
    }));
  void collect;
}

export function registerCalScheduleCommands(cal: Command): void {
  registerInbox(cal);
  registerAnswers(cal);
}
