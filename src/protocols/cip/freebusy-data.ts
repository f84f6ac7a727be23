/**
 * The data of a FREEBUSY answer, which the draft leaves open (draft-ietf-calsch-cip-00 §2.4; our
 * choice, docs/cip.md): the range asked, then per user an `ATTENDEE` line followed by one
 * `FREEBUSY;FBTYPE=…` line per period (UTC `start/end`, RFC 5545 §3.8.2.6 types). Also read back.
 */
import type { CipBusy } from '../../services/scheduling/cip-receive.js';

const utc = (ms: number): string => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');

export function freeBusyLines(range: { start: number; end: number }, users: CipBusy[]): string[] {
  const lines = [`DTSTART: ${utc(range.start)}`, `DTEND: ${utc(range.end)}`];
  for (const u of users) {
    lines.push(`ATTENDEE: ${u.who}`);
    const kinds: [string, { start: number; end: number }[]][] = [['BUSY', u.busy.busy], ['BUSY-TENTATIVE', u.busy.tentative], ['BUSY-UNAVAILABLE', u.busy.unavailable]];
    for (const [type, periods] of kinds) for (const p of periods) lines.push(`FREEBUSY;FBTYPE=${type}: ${utc(p.start)}/${utc(p.end)}`);
  }
  return lines.map((l) => (l.startsWith('.') ? `.${l}` : l));
}

export interface BusyAnswer { who: string; periods: { start: number; end: number; type: string }[] }

/** Reads the data block of a FREEBUSY answer (as freeBusyLines writes it). */
export function parseFreeBusyLines(lines: string[]): BusyAnswer[] {
  const out: BusyAnswer[] = [];
  const ms = (t: string): number => Date.UTC(+t.slice(0, 4), +t.slice(4, 6) - 1, +t.slice(6, 8), +t.slice(9, 11), +t.slice(11, 13), +t.slice(13, 15));
  for (const line of lines) {
    const who = /^ATTENDEE\s*:\s*(\S+)/i.exec(line);
    const fb = /^FREEBUSY(?:;FBTYPE=([A-Z-]+))?\s*:\s*(\d{8}T\d{6}Z)\/(\d{8}T\d{6}Z)/i.exec(line);
    if (who?.[1]) out.push({ who: who[1].toLowerCase(), periods: [] });
    else if (fb?.[2] && fb[3]) out[out.length - 1]?.periods.push({ start: ms(fb[2]), end: ms(fb[3]), type: (fb[1] ?? 'BUSY').toUpperCase() });
  }
  return out;
}
