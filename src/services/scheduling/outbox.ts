/**
 * POST to a scheduling outbox (RFC 6638 §3.2.2.2 / §5): a VFREEBUSY REQUEST answers every
 * attendee's busy time at once; any other iTIP message (COUNTER, REFRESH, DECLINECOUNTER, …, as
 * CalDAV scheduling's explicit form) is delivered to its recipients. Each recipient gets a
 * request-status in the schedule-response.
 */
import ICAL from 'ical.js';
import { ReefknotError } from '../../domain/errors.js';
import { freeBusyReply, parseFreeBusyRequest, type BusyPeriod, type ItipMessage, type ItipMethod, ITIP_METHODS } from '../../domain/itip/index.js';
import type { StoreTx, UserRow } from '../../store/types.js';
import { privilegesOn, requirePrivilege, type Principal, type Privilege } from '../access.js';
import type { ServiceContext } from '../context.js';
import { snapshotOf, type ResourceService } from '../resources.js';
import { busyTimeOf } from './busy-time.js';
import { localUser, specialCollection } from './calendar-users.js';
import type { Delivery } from './deliver.js';
import { requestStatusText } from './schedule-status.js';

export interface RecipientResult {
  recipient: string;
  requestStatus: string;
  calendarData?: string;
}

const ORGANIZER_METHODS = new Set<ItipMethod>(['PUBLISH', 'REQUEST', 'ADD', 'CANCEL', 'DECLINECOUNTER']);

/** Asks another server for a remote attendee's busy time (iSchedule); null when it cannot be asked. */
export type RemoteFreeBusy = (organizer: string, attendee: string, request: string) => Promise<RecipientResult | null>;

export class OutboxService {
  /** Set by server/ when iSchedule is on: remote attendees' busy time is fetched within the request. */
  remoteFreeBusy: RemoteFreeBusy | null = null;

  constructor(private readonly ctx: ServiceContext, private readonly delivery: Delivery, private readonly resources: ResourceService) {}

  /** `recipientsHeader`: the Recipient header of explicit scheduling, naming recipients who need not be attendees. */
  async post(principal: Principal, path: string, text: string, recipientsHeader: string[] = []): Promise<RecipientResult[]> {
    return this.ctx.store.write(async (tx) => {
      const r = await this.resources.require(snapshotOf(tx), principal, path);
      if (r.type !== 'collection' || r.collection.kind !== 'outbox') throw new ReefknotError('method-not-allowed', 'POST of scheduling messages goes to a scheduling outbox');
      const owner = await tx.getUserById(r.collection.ownerId);
      if (!owner) throw new ReefknotError('not-found', 'No such outbox');
      const root = parse(text);
      const method = String(root.getFirstPropertyValue('method') ?? '').toUpperCase() as ItipMethod;
      if (!ITIP_METHODS.includes(method)) throw new ReefknotError('invalid-calendar-data', 'A scheduling message needs a METHOD (RFC 5546 §1.4)');
      const mine = new Set(await tx.listAddresses(owner.id));
      const isFreeBusy = method === 'REQUEST' && root.getFirstSubcomponent('vfreebusy') !== null;
      requirePrivilege(r.access.privileges, isFreeBusy ? 'schedule-send-freebusy' : ORGANIZER_METHODS.has(method) ? 'schedule-send-invite' : 'schedule-send-reply');
      if (isFreeBusy) return this.freeBusy(tx, principal, text, mine);
      return this.send(tx, root, method, text, mine, owner, recipientsHeader);
    });
  }

  private async freeBusy(tx: StoreTx, principal: Principal, text: string, mine: Set<string>): Promise<RecipientResult[]> {
    const query = parseFreeBusyRequest(text);
    if (!mine.has(query.organizer.toLowerCase())) throw new ReefknotError('forbidden', 'The ORGANIZER of a busy-time request must be you (CALDAV:organizer-allowed)');
    const range = { start: query.start.getTime(), end: query.end.getTime() };
    const out: RecipientResult[] = [];
    for (const attendee of query.attendees) {
      const user = await localUser(tx, attendee);
      if (!user) {
        out.push((await this.remoteFreeBusy?.(query.organizer, attendee, text)) ?? { recipient: attendee, requestStatus: requestStatusText('3.7') });
        continue;
      }
      if (!(await this.may(tx, principal, user, 'schedule-query-freebusy'))) {
        out.push({ recipient: attendee, requestStatus: requestStatusText('3.8') });
        continue;
      }
      const busy = await busyTimeOf(tx, this.ctx, user, range);
      const periods: BusyPeriod[] = [
        ...busy.busy.map((p) => ({ start: new Date(p.start), end: new Date(p.end), type: 'BUSY' as const })),
        ...busy.tentative.map((p) => ({ start: new Date(p.start), end: new Date(p.end), type: 'BUSY-TENTATIVE' as const })),
        ...busy.unavailable.map((p) => ({ start: new Date(p.start), end: new Date(p.end), type: 'BUSY-UNAVAILABLE' as const })),
      ];
      const reply = freeBusyReply({ request: text, attendeeAddress: attendee, busy: periods, now: new Date(this.ctx.now()) });
      out.push({ recipient: attendee, requestStatus: '2.0;Success', calendarData: reply.ical });
    }
    return out;
  }

  private async may(tx: StoreTx, principal: Principal, user: UserRow, privilege: Privilege): Promise<boolean> {
    const inbox = await specialCollection(tx, user, 'inbox');
    return inbox !== null && (await privilegesOn(tx, principal, inbox)).has(privilege);
  }

  private async send(tx: StoreTx, root: InstanceType<typeof ICAL.Component>, method: ItipMethod, text: string, mine: Set<string>, owner: UserRow, explicit: string[]): Promise<RecipientResult[]> {
    const comp = root.getAllSubcomponents().find((c) => c.name !== 'vtimezone');
    if (!comp) throw new ReefknotError('invalid-calendar-data', 'The message holds no component');
    const organizer = String(comp.getFirstPropertyValue('organizer') ?? '').toLowerCase();
    const attendees = comp.getAllProperties('attendee').map((a) => String(a.getFirstValue()).toLowerCase());
    let originator: string | undefined;
    let recipients: string[];
    if (ORGANIZER_METHODS.has(method)) {
      originator = mine.has(organizer) ? organizer : undefined;
      recipients = attendees.filter((a) => a !== organizer);
    } else {
      originator = attendees.find((a) => mine.has(a));
      recipients = organizer ? [organizer] : [];
    }
    // An organizer may send to someone who is not an attendee (forwarding, "aware" recipients; RFC 5546 §2.1.5).
    if (explicit.length > 0) recipients = explicit.map((r) => r.toLowerCase());
    if (!originator) throw new ReefknotError('forbidden', `You are not the ${ORGANIZER_METHODS.has(method) ? 'ORGANIZER' : 'ATTENDEE'} of this ${method} (CALDAV:organizer-allowed)`);
    const message: ItipMessage = { method, recipients, originator, uid: String(comp.getFirstPropertyValue('uid') ?? ''), ical: text };
    const statuses = await this.delivery.deliver(tx, message, owner.id);
    return recipients.map((recipient) => ({ recipient, requestStatus: requestStatusText(statuses.get(recipient) ?? '5.1') }));
  }
}

function parse(text: string): InstanceType<typeof ICAL.Component> {
  try {
    const root = new ICAL.Component(ICAL.parse(text) as unknown[]);
    if (root.name !== 'vcalendar') throw new Error('not a VCALENDAR');
    return root;
  } catch (e) {
    throw new ReefknotError('invalid-calendar-data', `The scheduling message cannot be parsed: ${(e as Error).message}`);
  }
}
