/**
 * CalDAV live properties: RFC 4791 §5.2 (calendar collection properties), §6.2.1
 * (calendar-home-set), §7.5.1 (supported-collation-set); RFC 6638 §2.4.2
 * (calendar-user-address-set) and §2.4.2 calendar-user-type.
 */
import ICAL from 'ical.js';
import { ReefknotError } from '../../domain/errors.js';
import { toIcalUtc } from '../../domain/ical/limits.js';
import { homePath } from '../../services/context.js';
import type { Resource } from '../../services/resources.js';
import type { CheckedDeadProperty, LiveProperty } from '../dav/properties.js';
import { el, isElement, NS, textOf, type XmlNode } from '../dav/xml.js';

const isCalendar = (r: Resource): r is Resource & { type: 'collection' } => r.type === 'collection' && r.collection.kind === 'calendar';

export const SUPPORTED_COLLATIONS = ['i;ascii-casemap', 'i;octet', 'i;unicode-casemap'];

function calendarProp(name: string, get: (r: Resource & { type: 'collection' }) => XmlNode[], ns: string = NS.CALDAV): LiveProperty {
  return { ns, name, protected: true, allprop: false, get: (r) => (isCalendar(r) ? get(r) : null) };
}

export function caldavProperties(): LiveProperty[] {
  return [
    {
      ns: NS.CALDAV, name: 'calendar-home-set', protected: true, allprop: false,
      get: (r, ctx) => (r.type === 'principal' ? [el(NS.DAV, 'href', [ctx.hrefs.href(homePath(r.user.name))])] : null),
    },
    {
      ns: NS.CALDAV, name: 'calendar-user-address-set', protected: true, allprop: false,
      get: async (r, ctx) => {
        if (r.type !== 'principal') return null;
        const addresses = await ctx.resources.addresses(ctx.snapshot, r.user.id);
        return [...addresses, ctx.hrefs.href(r.path)].map((a) => el(NS.DAV, 'href', [a]));
      },
    },
    {
      ns: NS.CALDAV, name: 'calendar-user-type', protected: true, allprop: false,
      get: (r) => (r.type === 'principal' ? [r.user.type.toUpperCase()] : null),
    },
    calendarProp('supported-calendar-component-set', (r) => r.collection.components.map((c) => el(NS.CALDAV, 'comp', [], { name: c }))),
    calendarProp('supported-calendar-data', () => [el(NS.CALDAV, 'calendar-data', [], { 'content-type': 'text/calendar', version: '2.0' })]),
    calendarProp('supported-collation-set', () => SUPPORTED_COLLATIONS.map((c) => el(NS.CALDAV, 'supported-collation', [c]))),
    { ns: NS.CALDAV, name: 'max-resource-size', protected: true, allprop: false, get: (r, ctx) => (isCalendar(r) ? [String(ctx.limits.maxResourceSize)] : null) },
    { ns: NS.CALDAV, name: 'min-date-time', protected: true, allprop: false, get: (r, ctx) => (isCalendar(r) ? [toIcalUtc(ctx.limits.minDateTime)] : null) },
    { ns: NS.CALDAV, name: 'max-date-time', protected: true, allprop: false, get: (r, ctx) => (isCalendar(r) ? [toIcalUtc(ctx.limits.maxDateTime)] : null) },
    { ns: NS.CALDAV, name: 'max-instances', protected: true, allprop: false, get: (r, ctx) => (isCalendar(r) ? [String(ctx.limits.maxInstances)] : null) },
    {
      ns: NS.CALDAV, name: 'max-attendees-per-instance', protected: true, allprop: false,
      get: (r, ctx) => (isCalendar(r) ? [String(ctx.limits.maxAttendeesPerInstance)] : null),
    },
  ];
}

const onCalendar = (r: Resource): boolean => isCalendar(r);

/** Dead properties whose values CalDAV constrains (RFC 4791 §5.2.1–5.2.2). */
export function caldavCheckedProperties(): CheckedDeadProperty[] {
  return [
    { ns: NS.CALDAV, name: 'calendar-description', appliesTo: onCalendar, validate: () => undefined },
    {
      ns: NS.CALDAV, name: 'calendar-timezone', appliesTo: onCalendar,
      validate: (value) => {
        if (value.some(isElement)) throw new ReefknotError('invalid-property', 'calendar-timezone must hold iCalendar text');
        validateTimezoneText(value.map((v) => (typeof v === 'string' ? v : textOf(v))).join(''));
      },
    },
  ];
}

/** RFC 4791 §5.2.2: a VCALENDAR holding exactly one VTIMEZONE. */
export function validateTimezoneText(text: string): void {
  try {
    const root = new ICAL.Component(ICAL.parse(text.trim()) as unknown[]);
    const zones = root.getAllSubcomponents('vtimezone');
    if (root.name !== 'vcalendar' || zones.length !== 1 || root.getAllSubcomponents().length !== 1) throw new Error('shape');
  } catch {
    throw new ReefknotError('invalid-property', 'calendar-timezone must be a VCALENDAR with exactly one VTIMEZONE (RFC 4791 §5.2.2)');
  }
}
