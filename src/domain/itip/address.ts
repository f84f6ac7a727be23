/**
 * Calendar user addresses (RFC 5545 §3.3.3 CAL-ADDRESS). Addresses compare case-insensitively on
 * the mailto: part, so every comparison goes through `normaliseAddress`.
 */

/** Lower-cases a mailto: address (scheme and mailbox) and trims it; other URIs keep their case. */
export function normaliseAddress(address: string): string {
  const trimmed = address.trim();
  if (/^mailto:/i.test(trimmed)) return 'mailto:' + trimmed.slice(7).toLowerCase();
  if (/^[^:\s]+@[^:\s]+$/.test(trimmed)) return 'mailto:' + trimmed.toLowerCase();
  return trimmed;
}

export function sameAddress(a: string | null | undefined, b: string | null | undefined): boolean {
  if (a === null || a === undefined || b === null || b === undefined) return false;
  return normaliseAddress(a) === normaliseAddress(b);
}

/** The mailbox part for people: "b@example.com" from "mailto:B@example.com". */
export function displayAddress(address: string): string {
  return normaliseAddress(address).replace(/^mailto:/, '');
}

/** Removes duplicates (by normalised address), keeping the first spelling's normal form. */
export function uniqueAddresses(addresses: Iterable<string>): string[] {
  const seen = new Set<string>();
  for (const a of addresses) seen.add(normaliseAddress(a));
  return [...seen];
}
