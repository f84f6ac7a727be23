/** Free-busy (RFC 4791 §7.10): the §7.10.1 example on Appendix B, and the rules one by one. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { busyPeriods, toVfreebusy, type BusyTime } from '../../../src/domain/freebusy/compute.js';
import { APPENDIX_B, fixture, parse, utc, wrap } from '../query/fixtures.js';

const iso = (ms: number): string => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
const show = (r: BusyTime): Record<string, string[]> => ({
  busy: r.busy.map((p) => `${iso(p.start)}/${iso(p.end)}`),
  tentative: r.tentative.map((p) => `${iso(p.start)}/${iso(p.end)}`),
  unavailable: r.unavailable.map((p) => `${iso(p.start)}/${iso(p.end)}`),
});
const r = (start: string, end: string): { start: number; end: number } => ({ start: utc(start), end: utc(end) });

test('RFC 4791 §7.10.1 free-busy of the Appendix B collection', () => {
  const range = r('20060104T140000Z', '20060105T220000Z');
  const result = busyPeriods(APPENDIX_B.map(fixture), range, { maxInstances: 100 });
  assert.deepEqual(show(result), {
    busy: ['20060104T190000Z/20060104T200000Z', '20060105T170000Z/20060105T180000Z'],
    tentative: ['20060104T150000Z/20060104T160000Z'],
    unavailable: ['20060105T100000Z/20060105T120000Z'],
  });
  const text = toVfreebusy(result, range, { now: utc('20060125T090000Z') });
  const fb = parse(text).getFirstSubcomponent('vfreebusy');
  assert.deepEqual(
    fb?.getAllProperties().map((p) => p.toICALString()),
    [
      'DTSTAMP:20060125T090000Z',
      'DTSTART:20060104T140000Z',
      'DTEND:20060105T220000Z',
      'FREEBUSY;FBTYPE=BUSY-TENTATIVE:20060104T150000Z/PT1H',
      'FREEBUSY:20060104T190000Z/PT1H',
      'FREEBUSY;FBTYPE=BUSY-UNAVAILABLE:20060105T100000Z/PT2H',
      'FREEBUSY:20060105T170000Z/PT1H',
    ],
  );
});

let uids = 0;
const ev = (lines: string, uid = `e${++uids}`): string => `BEGIN:VEVENT\nUID:${uid}\nDTSTAMP:20060101T000000Z\n${lines}\nEND:VEVENT`;

const cases: { name: string; objects: string[]; expected: Record<string, string[]> }[] = [
  {
    name: 'opaque events are busy; overlapping ones coalesce',
    objects: [ev('DTSTART:20060102T100000Z\nDTEND:20060102T110000Z'), ev('DTSTART:20060102T103000Z\nDTEND:20060102T120000Z')],
    expected: { busy: ['20060102T100000Z/20060102T120000Z'], tentative: [], unavailable: [] },
  },
  {
    name: 'touching periods coalesce',
    objects: [ev('DTSTART:20060102T100000Z\nDTEND:20060102T110000Z'), ev('DTSTART:20060102T110000Z\nDTEND:20060102T120000Z')],
    expected: { busy: ['20060102T100000Z/20060102T120000Z'], tentative: [], unavailable: [] },
  },
  {
    name: 'TRANSP:TRANSPARENT and STATUS:CANCELLED are left out',
    objects: [ev('DTSTART:20060102T100000Z\nDTEND:20060102T110000Z\nTRANSP:TRANSPARENT'), ev('DTSTART:20060102T130000Z\nDTEND:20060102T140000Z\nSTATUS:CANCELLED')],
    expected: { busy: [], tentative: [], unavailable: [] },
  },
  {
    name: 'STATUS:TENTATIVE is BUSY-TENTATIVE',
    objects: [ev('DTSTART:20060102T100000Z\nDTEND:20060102T110000Z\nSTATUS:TENTATIVE')],
    expected: { busy: [], tentative: ['20060102T100000Z/20060102T110000Z'], unavailable: [] },
  },
  {
    name: 'periods are clipped to the range',
    objects: [ev('DTSTART:20060101T200000Z\nDTEND:20060102T020000Z'), ev('DTSTART:20060102T230000Z\nDTEND:20060103T020000Z')],
    expected: { busy: ['20060102T000000Z/20060102T020000Z', '20060102T230000Z/20060103T000000Z'], tentative: [], unavailable: [] },
  },
  {
    name: 'recurring instances with a cancelled override',
    objects: [`${ev('DTSTART:20060101T100000Z\nDURATION:PT1H\nRRULE:FREQ=HOURLY;INTERVAL=6', 'r')}\n${ev('RECURRENCE-ID:20060102T160000Z\nDTSTART:20060102T160000Z\nDURATION:PT1H\nSTATUS:CANCELLED', 'r')}`],
    expected: { busy: ['20060102T040000Z/20060102T050000Z', '20060102T100000Z/20060102T110000Z', '20060102T220000Z/20060102T230000Z'], tentative: [], unavailable: [] },
  },
  {
    name: 'stored VFREEBUSY periods by FBTYPE; FREE is not busy',
    objects: [
      'BEGIN:VFREEBUSY\nUID:f\nDTSTAMP:20060101T000000Z\nFREEBUSY:20060102T010000Z/PT1H\nFREEBUSY;FBTYPE=FREE:20060102T030000Z/PT1H\nFREEBUSY;FBTYPE=BUSY-UNAVAILABLE:20060102T050000Z/PT1H,20060102T053000Z/PT1H\nFREEBUSY;FBTYPE=BUSY-TENTATIVE:20060102T070000Z/PT1H\nEND:VFREEBUSY',
    ],
    expected: { busy: ['20060102T010000Z/20060102T020000Z'], tentative: ['20060102T070000Z/20060102T080000Z'], unavailable: ['20060102T050000Z/20060102T063000Z'] },
  },
  {
    name: 'events without duration block nothing',
    objects: [ev('DTSTART:20060102T100000Z')],
    expected: { busy: [], tentative: [], unavailable: [] },
  },
];

for (const c of cases) {
  test(`busyPeriods: ${c.name}`, () => {
    const result = busyPeriods(c.objects.map((o) => wrap(o)), r('20060102T000000Z', '20060103T000000Z'), { maxInstances: 100 });
    assert.deepEqual(show(result), c.expected);
  });
}

test('toVfreebusy names the organizer, attendee and UID when given', () => {
  const text = toVfreebusy({ busy: [], tentative: [], unavailable: [] }, r('20060102T000000Z', '20060103T000000Z'), {
    now: utc('20060101T000000Z'),
    organizer: 'mailto:bernard@example.com',
    attendee: 'mailto:lisa@example.com',
    uid: 'fb-1',
  });
  const fb = parse(text).getFirstSubcomponent('vfreebusy');
  assert.equal(String(fb?.getFirstPropertyValue('organizer')), 'mailto:bernard@example.com');
  assert.equal(String(fb?.getFirstPropertyValue('attendee')), 'mailto:lisa@example.com');
  assert.equal(String(fb?.getFirstPropertyValue('uid')), 'fb-1');
  assert.equal(fb?.getAllProperties('freebusy').length, 0);
});
