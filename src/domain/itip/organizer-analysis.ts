/**
 * Reads an organizer's change as a whole (RFC 5546 §2.1.4: which changes raise SEQUENCE;
 * §3.2.2.1 reschedule; §3.2.2.4 new organizer; §3.2.4 ADD of new instances; §3.2.5 CANCEL of the
 * event, of instances, and to attendees taken off the list).
 */
import { sameAddress } from './address.js';
import {
  addedKeys,
  allAttendees,
  classifyInstance,
  dateValues,
  isCancelled,
  type InstanceChange,
} from './change-analysis.js';
import { MASTER, organizerOf, timeMs, type Component } from './calendar-data.js';
import type { LoadedObject } from './loaded-object.js';
import type { OrganizerOptions } from './types.js';

export interface DateEntry {
  key: string;
  value: unknown;
  tzid: string | null;
}

export interface ChangeAnalysis {
  changes: Map<string, InstanceChange>;
  masterChange: InstanceChange;
  /** Instances excluded by a new EXDATE or a removed RDATE: each gets a CANCEL. */
  cancelledDates: DateEntry[];
  /** Instances added by a new RDATE: an ADD. */
  addedDates: DateEntry[];
  /** An EXDATE was removed: the instance comes back, the master is sent again. */
  reinstated: boolean;
  newlyCancelled: string[];
  wholeCancelled: boolean;
  removedAttendees: string[];
  organizerChanged: boolean;
  bump: boolean;
  rescheduled: Set<string>;
  notifyStatus: boolean;
}

function entries(map: Map<string, { value: unknown; tzid: string | null }>, keys: string[]): DateEntry[] {
  return keys.map((key) => ({ key, value: map.get(key)?.value, tzid: map.get(key)?.tzid ?? null }));
}

/** A new override whose start differs from the instance it replaces moves that instance. */
function movesInstance(comp: Component): boolean {
  return timeMs(comp, 'dtstart') !== timeMs(comp, 'recurrence-id');
}

export function analyseChange(
  before: LoadedObject | null,
  updated: Map<string, Component>,
  organizer: string,
  opts: OrganizerOptions,
): ChangeAnalysis {
  const prior = before?.comps ?? new Map<string, Component>();
  const changes = new Map<string, InstanceChange>();
  for (const [key, comp] of updated) changes.set(key, classifyInstance(prior.get(key), comp));
  const dates = dateChanges(prior.get(MASTER), updated.get(MASTER));
  const newlyCancelled = [...updated].filter(([k, c]) => k !== MASTER && isCancelled(c) && !isCancelled(prior.get(k))).map(([k]) => k);
  const masterAfter = updated.get(MASTER);
  const wholeCancelled = before !== null && masterAfter !== undefined && isCancelled(masterAfter) && !isCancelled(prior.get(MASTER));
  const stillThere = allAttendees(updated);
  const removedAttendees = [...allAttendees(prior)].filter((a) => !stillThere.has(a) && !sameAddress(a, organizer));
  const declared = [...prior.values()].map(organizerOf).find((o) => o !== null) ?? null;
  const organizerChanged = before !== null && declared !== null && !sameAddress(declared, organizer);
  const masterChange = changes.get(MASTER) ?? 'none';
  const rescheduled = rescheduledKeys(before !== null, changes, updated);
  const bump =
    before !== null &&
    (opts.forceSequenceBump === true || rescheduled.size > 0 || wholeCancelled || newlyCancelled.length > 0 ||
      dates.cancelled.length > 0 || dates.added.length > 0 || removedAttendees.length > 0 || organizerChanged);
  return { changes, masterChange, cancelledDates: dates.cancelled, addedDates: dates.added, reinstated: dates.reinstated,
    newlyCancelled, wholeCancelled, removedAttendees, organizerChanged, bump, rescheduled, notifyStatus: opts.notifyStatusChanges === true };
}

function rescheduledKeys(hadBefore: boolean, changes: Map<string, InstanceChange>, updated: Map<string, Component>): Set<string> {
  if (!hadBefore) return new Set();
  if (changes.get(MASTER) === 'reschedule') return new Set(updated.keys());
  const out = new Set<string>();
  for (const [key, change] of changes) {
    const comp = updated.get(key);
    if (change === 'reschedule' || (change === 'added' && key !== MASTER && comp !== undefined && movesInstance(comp))) out.add(key);
  }
  return out;
}

function dateChanges(before: Component | undefined, after: Component | undefined): { cancelled: DateEntry[]; added: DateEntry[]; reinstated: boolean } {
  if (before === undefined || after === undefined) return { cancelled: [], added: [], reinstated: false };
  const exBefore = dateValues(before, 'exdate');
  const exAfter = dateValues(after, 'exdate');
  const rBefore = dateValues(before, 'rdate');
  const rAfter = dateValues(after, 'rdate');
  return {
    cancelled: [...entries(exAfter, addedKeys(exBefore, exAfter)), ...entries(rBefore, addedKeys(rAfter, rBefore))],
    added: entries(rAfter, addedKeys(rBefore, rAfter)),
    reinstated: addedKeys(exAfter, exBefore).length > 0,
  };
}
