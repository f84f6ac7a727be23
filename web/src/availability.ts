/**
 * The availability grid: one row per person, half-hour columns over the working part of the
 * event's day (in the chosen zone), busy time from the free-busy source, the proposed time
 * outlined; a column heading moves the event there.
 */
import { clear, h } from './dom';
import type { AppState } from './state';
import { instantFromWall, pad, wallInZone } from './tz';

const FIRST_HOUR = 7;
const LAST_HOUR = 21;
const SLOT_MS = 30 * 60_000;

let generation = 0;

export async function renderGrid(el: HTMLElement, state: AppState, addresses: string[], start: Date, end: Date, onPick: (start: Date) => void): Promise<void> {
  const mine = ++generation;
  const w = wallInZone(start, state.zone);
  const dayStart = instantFromWall({ ...w, hour: FIRST_HOUR, minute: 0, second: 0 }, state.zone);
  const dayEnd = instantFromWall({ ...w, hour: LAST_HOUR, minute: 0, second: 0 }, state.zone);
  const slots: Date[] = [];
  for (let t = dayStart.getTime(); t < dayEnd.getTime(); t += SLOT_MS) slots.push(new Date(t));
  const busy = await state.freeBusy.lookup(addresses, dayStart, dayEnd).catch(() => new Map<string, null>());
  if (mine !== generation) return;
  clear(el);
  const head = h('tr', {}, h('th', { scope: 'col' }, 'Person'), ...slots.map((s) => {
    const sw = wallInZone(s, state.zone);
    const label = `${pad(sw.hour)}:${pad(sw.minute)}`;
    const text = sw.minute === 0 ? String(sw.hour) : '';
    const b = h('button', { type: 'button', class: 'slot-pick', 'aria-label': text ? `${text}: start at ${label}` : `Start at ${label}`, title: `Start at ${label}` }, text);
    b.addEventListener('click', () => onPick(s));
    return h('th', { scope: 'col' }, b);
  }));
  const rows = addresses.map((a) => {
    const periods = busy.get(a);
    return h('tr', {}, h('th', { scope: 'row', class: 'person' }, a === state.organizer.address ? `${a} (you)` : a), ...slots.map((s) => {
      const sEnd = s.getTime() + SLOT_MS;
      const isBusy = periods?.some((p) => p.start.getTime() < sEnd && p.end.getTime() > s.getTime()) ?? false;
      const chosen = s.getTime() < end.getTime() && sEnd > start.getTime();
      const state_ = periods === null || periods === undefined ? 'unknown' : isBusy ? 'busy' : 'free';
      return h('td', { class: `fb-${state_}${chosen ? ' chosen' : ''}`, title: state_ }, h('span', { class: 'sr-only' }, state_));
    }));
  });
  el.appendChild(h('div', { class: 'grid-scroll' }, h('table', { class: 'fb-grid' },
    h('caption', {}, `Availability on ${w.year}-${pad(w.month)}-${pad(w.day)} (from ${state.freeBusy.label})`),
    h('thead', {}, head), h('tbody', {}, ...rows))));
  el.appendChild(h('p', { class: 'legend' }, h('span', { class: 'key fb-busy' }), ' busy ', h('span', { class: 'key fb-free' }), ' free ',
    h('span', { class: 'key fb-unknown' }), ' not visible to you ', h('span', { class: 'key chosen' }), ' this event'));
}
