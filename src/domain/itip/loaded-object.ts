/**
 * A parsed calendar object resource or iTIP message: its VCALENDAR, its scheduling components by
 * instance (RFC 5545 §3.8.4.4 RECURRENCE-ID), UID and component type.
 */
import { byInstance, parseCalendar, requireComponents, uidOf, type Component } from './calendar-data.js';

export interface LoadedObject {
  root: Component;
  comps: Map<string, Component>;
  uid: string;
  /** Lower-case component name: vevent, vtodo, vjournal or vfreebusy. */
  type: string;
  method: string | null;
}

export function loadObject(text: string): LoadedObject {
  const root = parseCalendar(text);
  const list = requireComponents(root);
  const method = root.getFirstPropertyValue('method');
  return {
    root,
    comps: byInstance(list),
    uid: uidOf(list),
    type: list[0]?.name ?? 'vevent',
    method: method === null ? null : String(method).toUpperCase(),
  };
}
