/**
 * CALDAV:text-match (RFC 4791 §9.7.5): a substring test under a collation (RFC 4790 §9.2
 * i;octet, §9.3 i;ascii-casemap; RFC 5051 i;unicode-casemap), optionally negated.
 */
import { UnsupportedCollationError } from './errors.js';
import { COLLATIONS, type Collation, type TextMatch } from './types.js';

export function isCollation(name: string): name is Collation {
  return (COLLATIONS as readonly string[]).includes(name);
}

/** RFC 4790 §9.3: only a–z are mapped, to A–Z. */
function asciiCasemap(s: string): string {
  return s.replace(/[a-z]+/g, (m) => m.toUpperCase());
}

/**
 * RFC 5051 §2: each character is mapped by its simple titlecase mapping, then the string is
 * decomposed (NFD). JavaScript has no titlecase mapping; the single-character upper-case mapping
 * puts the same characters together (it differs only in which member of a class is chosen).
 */
function unicodeCasemap(s: string): string {
  let out = '';
  for (const ch of s.normalize('NFD')) {
    const upper = ch.toUpperCase();
    out += [...upper].length === 1 ? upper : ch;
  }
  return out.normalize('NFD');
}

export function foldFor(collation: string): (s: string) => string {
  switch (collation) {
    case 'i;octet':
      return (s) => s;
    case 'i;ascii-casemap':
      return asciiCasemap;
    case 'i;unicode-casemap':
      return unicodeCasemap;
    default:
      throw new UnsupportedCollationError(collation);
  }
}

/** True when `text` contains the match value (RFC 4791 §9.7.5 substring match), negated on request. */
export function textMatches(text: string, match: TextMatch): boolean {
  const fold = foldFor(match.collation);
  return fold(text).includes(fold(match.value)) !== match.negate;
}

/** Any of several values (a multi-valued parameter) contains the match value, negated on request. */
export function anyTextMatches(texts: readonly string[], match: TextMatch): boolean {
  const fold = foldFor(match.collation);
  const needle = fold(match.value);
  return texts.some((t) => fold(t).includes(needle)) !== match.negate;
}
