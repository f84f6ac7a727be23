/**
 * Joins stored calendar objects into one text/calendar document (a subscribable feed, or an
 * export): one VCALENDAR, each VTIMEZONE once, every component as stored. Works on content
 * lines, so objects are not re-serialised and nothing the client sent is lost.
 */
const CALENDAR_HEADER_PROPS = /^(VERSION|PRODID|CALSCALE|METHOD|X-WR-CALNAME|X-WR-TIMEZONE)[;:]/i;

interface Blocks {
  timezones: Map<string, string[]>;
  components: string[][];
}

function unfoldedLines(text: string): string[] {
  return text.replace(/\r\n[ \t]/g, '').replace(/\n[ \t]/g, '').split(/\r?\n/).filter((l) => l !== '');
}

/** Splits one VCALENDAR into its VTIMEZONE blocks and other component blocks (raw folded lines). */
function splitBlocks(text: string, into: Blocks): void {
  const lines = text.split(/\r?\n/);
  let depth = 0;
  let current: string[] | null = null;
  let tzid: string | null = null;
  for (const line of lines) {
    if (line === '') continue;
    const upper = line.toUpperCase();
    if (upper.startsWith('BEGIN:')) {
      depth++;
      if (depth === 2) {
        current = [];
        tzid = upper === 'BEGIN:VTIMEZONE' ? '' : null;
      }
    }
    if (depth >= 2 && current) {
      current.push(line);
      if (tzid === '' && /^TZID[;:]/i.test(line)) tzid = line.slice(line.indexOf(':') + 1);
    } else if (depth === 1 && current === null && !upper.startsWith('BEGIN:') && !CALENDAR_HEADER_PROPS.test(line) && !line.startsWith(' ')) {
      // Other calendar-level properties are dropped: a feed has one header.
    }
    if (upper.startsWith('END:')) {
      if (depth === 2 && current) {
        if (tzid !== null) {
          if (!into.timezones.has(tzid)) into.timezones.set(tzid, current);
        } else into.components.push(current);
        current = null;
      }
      depth--;
    }
  }
}

export function joinCalendars(texts: string[], header: { prodid: string; name?: string }): string {
  const blocks: Blocks = { timezones: new Map(), components: [] };
  for (const t of texts) splitBlocks(t, blocks);
  const out = ['BEGIN:VCALENDAR', 'VERSION:2.0', `PRODID:${header.prodid}`, 'CALSCALE:GREGORIAN'];
  if (header.name) out.push(`X-WR-CALNAME:${header.name.replace(/[\r\n]/g, ' ')}`);
  for (const tz of blocks.timezones.values()) out.push(...tz);
  for (const c of blocks.components) out.push(...c);
  out.push('END:VCALENDAR');
  return `${out.join('\r\n')}\r\n`;
}

/**
 * Splits an .ics file holding many components into one VCALENDAR per UID (RFC 4791 §4.1), each
 * with the VTIMEZONEs it needs. Components without a UID are reported, not stored.
 */
export function splitByUid(text: string): { uid: string; text: string }[] {
  const blocks: Blocks = { timezones: new Map(), components: [] };
  splitBlocks(text, blocks);
  const byUid = new Map<string, string[][]>();
  for (const c of blocks.components) {
    const uidLine = unfoldedLines(c.join('\r\n')).find((l) => /^UID[;:]/i.test(l));
    const uid = uidLine ? uidLine.slice(uidLine.indexOf(':') + 1) : '';
    const list = byUid.get(uid) ?? [];
    list.push(c);
    byUid.set(uid, list);
  }
  return [...byUid.entries()].map(([uid, comps]) => {
    const body = comps.flat();
    const joined = unfoldedLines(body.join('\r\n')).join('\n');
    const zones = [...blocks.timezones.entries()].filter(([id]) => joined.includes(`TZID=${id}`) || joined.includes(`TZID="${id}"`));
    const out = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Reefknot//Import//EN', ...zones.flatMap(([, z]) => z), ...body, 'END:VCALENDAR'];
    return { uid, text: `${out.join('\r\n')}\r\n` };
  });
}
