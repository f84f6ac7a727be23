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
import { eventsBetween, tasksBetween, type EventInstance, type TaskItem } from './calendars';
import { chooseDialog, h, openDialog, toast } from './dom';
import { masterOf, overrideFor, parseCalendar, shiftTimes, splitSeries, type Scope } from './events';
import { intlZonePlugin } from './tz';
import type { AppState } from './state';
import { textOn } from './state';
import { openEditor } from './editor';

export const SCOPES: Array<{ value: Scope; label: string }> = [
  { value: 'this', label: 'This event' }, { value: 'following', label: 'This and following events' }, { value: 'all', label: 'All events' },
];

/** To-dos (VTODO) of the visible task calendars, read-only, at their due time: shown in the agenda. */
async function loadTasks(state: AppState, start: Date, end: Date): Promise<EventInput[]> {
  const visible = state.calendars.filter((c) => !state.hidden.has(c.href) && c.components.includes('VTODO'));
  const lists = await Promise.all(visible.map((c) => tasksBetween(state.dav, c.href, start, end).catch((e: unknown) => {
    toast(`Could not read the tasks of ${c.name}: ${e instanceof Error ? e.message : String(e)}`, 'error');
    return [] as TaskItem[];
  })));
  return lists.flat().map((t) => {
    const color = state.calendars.find((c) => c.href === t.calendar)?.color ?? '#0b5cad';
    return {
      id: `task:${t.href}#${t.due}`, title: `${t.done ? 'Task (done)' : 'Task'}: ${t.summary || '(no title)'}`, start: t.due, allDay: t.allDay,
      backgroundColor: color, borderColor: color, textColor: textOn(color), editable: false, classNames: t.done ? ['task', 'task-done'] : ['task'],
      extendedProps: { task: t },
    };
  });
}

async function loadEvents(state: AppState, start: Date, end: Date, withTasks: boolean): Promise<EventInput[]> {
  const visible = state.calendars.filter((c) => !state.hidden.has(c.href) && c.components.includes('VEVENT'));
  const tasks = withTasks ? loadTasks(state, start, end) : Promise.resolve([]);
  const lists = await Promise.all(visible.map((c) => eventsBetween(state.dav, c.href, start, end).catch((e: unknown) => {
    toast(`Could not read ${c.name}: ${e instanceof Error ? e.message : String(e)}`, 'error');
    return [] as EventInstance[];
  })));
  return [...(await tasks), ...lists.flat().map((i): EventInput => {
    const cal = state.calendars.find((c) => c.href === i.calendar);
    const color = cal?.color ?? '#0b5cad';
    return {
      id: `${i.href}#${i.recurrenceId ?? ''}`, title: i.summary || '(no title)', start: i.start, end: i.end, allDay: i.allDay,
      backgroundColor: color, borderColor: color, textColor: textOn(color), editable: cal?.writable ?? false,
      extendedProps: { instance: i },
    };
  })];
}

/** A to-do, read-only: title, when it is due, its state, notes. */
function showTask(state: AppState, t: TaskItem): void {
  const due = t.allDay ? new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeZone: 'UTC' }).format(new Date(`${t.due}T00:00:00Z`))
    : new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'short', timeZone: state.zone }).format(new Date(t.due));
  const cal = state.calendars.find((c) => c.href === t.calendar);
  const close = h('button', { type: 'button' }, 'Close');
  const body = h('div', { class: 'task-view' },
    h('p', {}, h('strong', {}, 'Task: '), h('span', { class: 'summary' }, t.summary || '(no title)')),
    h('p', {}, 'Due ', h('span', { class: 'due' }, due)),
    h('p', {}, t.done ? 'Done.' : `Not done (${t.status.toLowerCase().replace('needs-action', 'to do')}).`),
    cal ? h('p', {}, 'In ', h('span', {}, cal.name)) : null,
    t.description ? h('p', { class: 'notes' }, t.description) : null,
    h('p', { class: 'hint' }, 'Tasks are shown here read-only; change them in a tasks app (any CalDAV client).'),
    h('div', { class: 'actions' }, close));
  const d = openDialog('Task', body);
  close.addEventListener('click', d.close);
  close.focus();
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
  let listShown = false;
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
    events: (info, ok, fail) => { loadEvents(state, info.start, info.end, listShown).then(ok, (e: unknown) => fail(e instanceof Error ? e : new Error(String(e)))); },
    // The agenda (list) shows to-dos too: switching to or from it reads the events again.
    viewDidMount: (arg) => {
      const list = arg.view.type.startsWith('list');
      if (list !== listShown) { listShown = list; calendar.refetchEvents(); }
    },
    eventDrop: (info) => { void onMove(state, info); },
    eventResize: (info) => { void onMove(state, info); },
    eventClick: (info) => {
      info.jsEvent.preventDefault();
      const task = info.event.extendedProps.task as TaskItem | undefined;
      if (task) showTask(state, task);
      else void openEditor(state, { instance: instanceOf(info.event.extendedProps) });
    },
    select: (info) => { calendar.unselect(); void openEditor(state, { start: info.start, end: info.end, allDay: info.allDay }); },
    eventDidMount: (info) => {
      const task = info.event.extendedProps.task as TaskItem | undefined;
      if (task) {
        info.el.setAttribute('data-href', task.href);
        info.el.setAttribute('aria-label', `Task: ${task.summary || '(no title)'}${task.done ? ', done' : ''}`);
        if (!info.el.hasAttribute('tabindex')) info.el.setAttribute('tabindex', '0');
        info.el.addEventListener('keydown', (ev) => { if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); showTask(state, task); } });
        return;
      }
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
