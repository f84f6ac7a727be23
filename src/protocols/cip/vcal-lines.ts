/**
 * The event data of CIP commands (draft-ietf-calsch-cip-00 §1.3): vCalendar 1.0 style property
 * lines, `NAME(;PARAM=VALUE)*: value`, as the draft's examples write them — spaces around `;`
 * and `:` allowed (`ATTENDEE; ROLE=OWNER: Pete <p@x>`), bare vCalendar parameters
 * (`;QUOTED-PRINTABLE`), folded lines (a leading space or tab continues the previous line) and
 * quoted-printable values with soft line breaks (vCalendar 1.0 §2.1.3). Writing does the reverse:
 * values that are not plain ISO 8859-1 text on one line go as UTF-8 quoted-printable.
 */

export interface VProp {
  name: string;
  params: Map<string, string>;
  value: string;
}

/** Names that the draft's examples write without a colon (`UID unique identifier of event`). */
const COLONLESS = new Set(['UID', 'SEQUENCE', 'STATUS', 'DTSTART', 'DTEND', 'SUMMARY', 'SUBJECT']);
const BARE_PARAMS: Record<string, string> = { 'QUOTED-PRINTABLE': 'ENCODING', BASE64: 'ENCODING', '8BIT': 'ENCODING', '7BIT': 'ENCODING' };

function unfold(lines: string[]): string[] {
  const out: string[] = [];
  for (const line of lines) {
    const last = out.length - 1;
    const prev = out[last];
    if (prev !== undefined && prev.endsWith('=') && /QUOTED-PRINTABLE/i.test(prev.split(':')[0] ?? '')) out[last] = prev.slice(0, -1) + line;
    else if (prev !== undefined && /^[ \t]/.test(line)) out[last] = prev + line.slice(1);
    else out.push(line);
  }
  return out;
}

export function decodeQuotedPrintable(text: string, charset: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const hex = text.slice(i + 1, i + 3);
    if (text[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else bytes.push(text.charCodeAt(i) & 0xff);
  }
  return Buffer.from(bytes).toString(/^utf-?8$/i.test(charset) ? 'utf8' : 'latin1');
}

const unescapeText = (v: string): string => v.replace(/\\([nN\\;,])/g, (_m, c: string) => (c === 'n' || c === 'N' ? '\n' : c));

function parseOne(line: string): VProp | null {
  const colon = line.indexOf(':');
  if (colon < 0) {
    const m = /^([A-Za-z][A-Za-z0-9-]*)\s+(\S.*)$/.exec(line);
    const name = m?.[1]?.toUpperCase();
    return name && COLONLESS.has(name) ? { name, params: new Map(), value: (m?.[2] ?? '').trim() } : null;
  }
  const [head = '', ...rest] = line.slice(0, colon).split(';').map((s) => s.trim());
  const name = head.toUpperCase();
  if (!/^[A-Z][A-Z0-9-]*$/.test(name)) return null;
  const params = new Map<string, string>();
  for (const p of rest) {
    if (p === '') continue;
    const eq = p.indexOf('=');
    if (eq < 0) params.set(BARE_PARAMS[p.toUpperCase()] ?? 'TYPE', p.toUpperCase());
    else params.set(p.slice(0, eq).trim().toUpperCase(), p.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1'));
  }
  const raw = line.slice(colon + 1).trim();
  const qp = params.get('ENCODING')?.toUpperCase() === 'QUOTED-PRINTABLE';
  return { name, params, value: qp ? decodeQuotedPrintable(raw, params.get('CHARSET') ?? 'ISO-8859-1') : unescapeText(raw) };
}

/** The properties of a data block; throws on a line that is not a property. */
export function parseVcalLines(lines: string[]): VProp[] {
  const props: VProp[] = [];
  for (const line of unfold(lines)) {
    if (line.trim() === '') continue;
    const p = parseOne(line);
    if (!p) throw new Error(`not a property line: ${line.slice(0, 40)}`);
    props.push(p);
  }
  return props;
}

/** `Name <local@domain>`, `<local@domain>`, `mailto:local@domain` or `local@domain`. */
export function parseUserId(value: string): { address: string; name: string | null } | null {
  const m = /^(.*?)\s*<([^<>]+)>\s*$/.exec(value);
  const address = (m ? m[2] ?? '' : value).trim().replace(/^mailto:/i, '').toLowerCase();
  if (!/^[^@\s<>"]+@[^@\s<>"]+$/.test(address)) return null;
  const name = m?.[1]?.trim().replace(/^"(.*)"$/, '$1') ?? '';
  return { address, name: name === '' ? null : name };
}

// ---- writing ----

const MAX_PLAIN = 900;

/** UTF-8 quoted-printable as tokens (a character or an =XX escape), so lines never split an escape. */
function quotedPrintableTokens(text: string): string[] {
  const tokens: string[] = [];
  for (const b of Buffer.from(text, 'utf8')) tokens.push(b >= 33 && b <= 126 && b !== 61 ? String.fromCharCode(b) : b === 32 ? ' ' : `=${b.toString(16).toUpperCase().padStart(2, '0')}`);
  if (tokens[tokens.length - 1] === ' ') tokens[tokens.length - 1] = '=20';
  return tokens;
}

/** One property as wire lines (quoted-printable with soft breaks when it is not plain). */
export function writeProp(name: string, value: string, params: [string, string][] = []): string[] {
  const head = [name, ...params.map(([k, v]) => `${k}=${v}`)].join(';');
  const plain = !/[\r\n\\]|[^\u0020-\u007e\u00a0-\u00ff]/.test(value) && value.length <= MAX_PLAIN;
  if (plain) return [`${head}: ${value}`];
  const lines: string[] = [];
  let line = `${head};ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:`;
  for (const t of quotedPrintableTokens(value)) {
    if (line.length + t.length > 75) {
      lines.push(`${line}=`);
      line = '';
    }
    line += t;
  }
  lines.push(line);
  return lines;
}

/** Lines of a data block with SMTP-style dot-stuffing (a line starting with '.' gets another). */
export const dotStuff = (lines: string[]): string[] => lines.map((l) => (l.startsWith('.') ? `.${l}` : l));
