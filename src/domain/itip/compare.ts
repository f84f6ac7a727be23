/**
 * Semantic comparison of iCalendar text (RFC 5545 §3.1: property and parameter order carry no
 * meaning; RFC 5546 §2.1.5: DTSTAMP changes with every message). Used by the engine to tell which
 * instances changed, and by tests to compare messages with the RFC's examples.
 */
import ICAL from 'ical.js';
import { normaliseAddress } from './address.js';
import { parseCalendar, type Component, type Property } from './calendar-data.js';

export interface CanonicalOptions {
  /** Property names (any case) left out everywhere; default ["DTSTAMP"]. */
  ignoreProperties?: string[];
  /** Parameter names left out everywhere; default none. */
  ignoreParameters?: string[];
}

const ADDRESS_PARAMS = ['delegated-to', 'delegated-from', 'sent-by', 'member'];

/** RFC 5545 §3.2: parameter values that mean the same as leaving the parameter out. */
const DEFAULT_PARAMS: Record<string, string> = {
  partstat: 'NEEDS-ACTION',
  rsvp: 'FALSE',
  role: 'REQ-PARTICIPANT',
  cutype: 'INDIVIDUAL',
  fbtype: 'BUSY',
};

function isDefault(name: string, value: unknown): boolean {
  return typeof value === 'string' && DEFAULT_PARAMS[name] === value.toUpperCase();
}

function canonicalValue(value: unknown, isAddress: boolean): string {
  if (typeof value === 'string') return isAddress ? normaliseAddress(value) : value;
  return JSON.stringify(value);
}

/** RFC 5545 §3.1: a multi-valued date or period property means the same as one per value. */
const SPLIT = ['freebusy', 'exdate', 'rdate'];

/** A period means the same written as start/end or start/duration (RFC 5545 §3.3.9). */
function valueTexts(prop: Property, isAddress: boolean): string[] {
  const json = prop.toJSON() as unknown[];
  if (prop.type !== 'period') return json.slice(3).map((v) => canonicalValue(v, isAddress));
  return (prop.getValues() as unknown[]).map((v) => (v instanceof ICAL.Period ? `${v.start.toString()}/${v.getEnd().toString()}` : canonicalValue(v, false)));
}

function canonicalLines(prop: Property, ignoreParams: Set<string>): string[] {
  const head = canonicalHead(prop, ignoreParams);
  const values = valueTexts(prop, prop.name === 'organizer' || prop.name === 'attendee');
  return SPLIT.includes(prop.name) ? values.map((v) => head + v) : [head + values.join(',')];
}

function canonicalProperty(prop: Property, ignoreParams: Set<string>): string {
  return canonicalLines(prop, ignoreParams).join('\n');
}

/** "NAME;PARAM=value;…:" with parameters sorted and default values left out. */
function canonicalHead(prop: Property, ignoreParams: Set<string>): string {
  const json = prop.toJSON() as unknown[];
  const params = (json[1] ?? {}) as Record<string, unknown>;
  const names = Object.keys(params).filter((n) => !ignoreParams.has(n) && !isDefault(n, params[n])).sort();
  const paramText = names.map((n) => {
    const raw = params[n];
    const list = (Array.isArray(raw) ? raw : [raw]).map((v) => canonicalValue(v, ADDRESS_PARAMS.includes(n)));
    return `;${n.toUpperCase()}=${list.join(',')}`;
  });
  return `${prop.name.toUpperCase()}${paramText.join('')}:`;
}

function canonicalComponent(comp: Component, ignoreProps: Set<string>, ignoreParams: Set<string>, depth: number): string {
  const pad = '  '.repeat(depth);
  const props = comp
    .getAllProperties()
    .filter((p) => !ignoreProps.has(p.name))
    .flatMap((p) => canonicalLines(p, ignoreParams).map((l) => pad + '  ' + l))
    .sort();
  const subs = comp
    .getAllSubcomponents()
    .map((c) => canonicalComponent(c, ignoreProps, ignoreParams, depth + 1))
    .sort();
  const name = comp.name.toUpperCase();
  return [`${pad}BEGIN:${name}`, ...props, ...subs, `${pad}END:${name}`].join('\n');
}

/** A canonical text form: properties, parameters and components sorted, addresses normalised. */
export function canonicalIcal(text: string, options: CanonicalOptions = {}): string {
  const ignoreProps = new Set((options.ignoreProperties ?? ['DTSTAMP']).map((n) => n.toLowerCase()));
  const ignoreParams = new Set((options.ignoreParameters ?? []).map((n) => n.toLowerCase()));
  return canonicalComponent(parseCalendar(text), ignoreProps, ignoreParams, 0);
}

/** True when both texts mean the same calendar data (DTSTAMP and ordering ignored by default). */
export function semanticallyEqual(a: string, b: string, options: CanonicalOptions = {}): boolean {
  return canonicalIcal(a, options) === canonicalIcal(b, options);
}

/** Canonical form of one component, for telling which instances changed. */
export function canonicalComponentText(comp: Component, ignoreProperties: string[], ignoreParameters: string[] = []): string {
  return canonicalComponent(comp, new Set(ignoreProperties), new Set(ignoreParameters), 0);
}

/** Canonical forms of the named properties of a component, sorted: a signature of those values. */
export function propertiesSignature(comp: Component, names: string[]): string {
  return comp
    .getAllProperties()
    .filter((p) => names.includes(p.name))
    .map((p) => canonicalProperty(p, new Set()))
    .sort()
    .join('\n');
}
