/**
 * The calendar views (day, week, month, agenda) with FullCalendar: events of the visible
 * calendars read by calendar-query with expand, coloured per calendar; dragging or resizing
 * rewrites the stored object (asking which instances for a recurring event).
 */
import { Calendar, type EventDropArg, type EventInput } from '@fullcalendar/core';
import dayGridPlugin from '@fullcalendar/daygrid';
import timeGridPlugin from '@fullcalendar/timegrid';
import listPlugin from '@fullcalendar/list';
import interactionPlugin, { type EventResizeDoneArg } from '@fullcalendar/interaction';
import { eventsBetween, type EventInstance } from './calendars';
import { chooseDialog, toast } from './dom';
import { masterOf, overrideFor, parseCalendar, shiftTimes, splitSeries, type Scope } from './events';
import { intlZonePlugin } from './tz';
import type { AppState } from './state';
import { textOn } from './state';
import { openEditor } from './editor';

export const SCOPES: Array<{ value: Scope; label: string }> = [
  { value: 'this', label: 'This event' }, { value: 'following', label: 'This and following events' }, { value: 'all', label: 'All events' },
];

async function loadEvents(state: AppState, start: Date, end: Date): Promise<EventInput[]> {
  const visible = state.calendars.filter((c) => !state.hidden.has(c.href) && c.components.includes('VEVENT'));
  const lists = await Promise.all(visible.map((c) => eventsBetween(state.dav, c.href, start, end).catch((e: unknown) => {
    toast(`Could not read ${c.name}: ${e instanceof Error ? e.message : String(e)}`, 'error');
    return [] as EventInstance[];
  })));
  return lists.flat().map((i) => {
    const cal = state.calendars.find((c) => c.href === i.calendar);
    const color = cal?.color ?? '#0b5cad';
    return {
      id: `${i.href}#${i.recurrenceId ?? ''}`, title: i.summary || '(no title)', start: i.start, end: i.end, allDay: i.allDay,
      backgroundColor: color, borderColor: color, textColor: textOn(color), editable: cal?.writable ?? false,
      extendedProps: { instance: i },
    };
  });
}

export function instanceOf(extended: Record<string, unknown>): EventInstance {
  return extended.instance as EventInstance;
}

/** Moves or resizes an event by the given deltas, for the chosen instances. */
export async function moveEvent(state: AppState, inst: EventInstance, startDelta: number, endDelta: number): Promise<boolean> {
  let scope: Scope = 'all';
  if (inst.recurrenceId) {
    const s = await chooseDialog('Move a repeating event', 'Which events do you want to change?', SCOPES);
    if (!s) return false;
    scope = s;
  }
  const { text, etag } = await state.dav.get(inst.href);
  const vcal = parseCalendar(text);
  if (!inst.recurrenceId) {
    const ve = masterOf(vcal) ?? vcal.getFirstSubcomponent('vevent');
    if (ve) shiftTimes(ve, startDelta, endDelta, state.zone);
  } else if (scope === 'this') {
    shiftTimes(overrideFor(vcal, inst.recurrenceId, state.zone), startDelta, endDelta, state.zone);
  } else if (scope === 'all') {
    const m = masterOf(vcal);
    if (m) shiftTimes(m, startDelta, endDelta, state.zone);
  } else {
    const tail = splitSeries(vcal, inst.recurrenceId, state.zone);
    const tm = masterOf(tail);
    if (tm) shiftTimes(tm, startDelta, endDelta, state.zone);
    const newHref = `${inst.calendar}${tm?.getFirstPropertyValue('uid') ?? crypto.randomUUID()}.ics`;
    await state.dav.put(newHref, tail.toString(), null);
  }
  await state.dav.put(inst.href, vcal.toString(), etag);
  return true;
}

async function onMove(state: AppState, info: EventDropArg | EventResizeDoneArg): Promise<void> {
  const inst = instanceOf(info.event.extendedProps);
  const startDelta = (info.event.start?.getTime() ?? 0) - (info.oldEvent.start?.getTime() ?? 0);
  const endDelta = (info.event.end?.getTime() ?? info.event.start?.getTime() ?? 0) - (info.oldEvent.end?.getTime() ?? info.oldEvent.start?.getTime() ?? 0);
  try {
    if (!(await moveEvent(state, inst, startDelta, endDelta))) { info.revert(); return; }
    toast(`Moved “${inst.summary || 'event'}”.`);
  } catch (e) {
    info.revert();
    toast(`The event could not be moved: ${e instanceof Error ? e.message : String(e)}`, 'error');
  }
  state.refetch();
}

export function mountCalendar(state: AppState, el: HTMLElement): Calendar {
  const narrow = window.matchMedia('(max-width: 700px)').matches;
  const calendar = new Calendar(el, {
    plugins: [dayGridPlugin, timeGridPlugin, listPlugin, interactionPlugin, intlZonePlugin],
    initialView: narrow ? 'timeGridDay' : 'timeGridWeek',
    timeZone: state.zone,
    headerToolbar: narrow ? { left: 'prev,next today', center: 'title', right: 'timeGridDay,dayGridMonth,listWeek' }
      : { left: 'prev,next today', center: 'title', right: 'timeGridDay,timeGridWeek,dayGridMonth,listWeek' },
    buttonIcons: false, buttonText: { today: 'Today', day: 'Day', week: 'Week', month: 'Month', list: 'Agenda', prev: '‹', next: '›' },
    buttonHints: { prev: 'Previous $0', next: 'Next $0' },
    height: '100%', nowIndicator: true, firstDay: 1, scrollTime: '08:00:00', editable: true, selectable: true, selectMirror: true,
    eventTimeFormat: { hour: '2-digit', minute: '2-digit', hour12: false }, slotLabelFormat: { hour: '2-digit', minute: '2-digit', hour12: false },
    events: (info, ok, fail) => { loadEvents(state, info.start, info.end).then(ok, (e: unknown) => fail(e instanceof Error ? e : new Error(String(e)))); },
    eventDrop: (info) => { void onMove(state, info); },
    eventResize: (info) => { void onMove(state, info); },
    eventClick: (info) => { info.jsEvent.preventDefault(); void openEditor(state, { instance: instanceOf(info.event.extendedProps) }); },
    select: (info) => { calendar.unselect(); void openEditor(state, { start: info.start, end: info.end, allDay: info.allDay }); },
    eventDidMount: (info) => {
      const inst = instanceOf(info.event.extendedProps);
      info.el.setAttribute('data-href', inst.href);
      if (inst.recurrenceId) info.el.setAttribute('data-recurrence-id', inst.recurrenceId);
      info.el.setAttribute('aria-label', `${inst.summary || '(no title)'}${inst.location ? `, ${inst.location}` : ''}`);
      if (!info.el.hasAttribute('tabindex')) info.el.setAttribute('tabindex', '0');
      info.el.addEventListener('keydown', (ev) => { if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); void openEditor(state, { instance: inst }); } });
    },
  });
  calendar.render();
  return calendar;
}
