/**
 * iSchedule XML bodies (draft-desruisseaux-ischedule-05 §9, namespace urn:ietf:params:xml:ns:ischedule):
 * the capabilities query-result, the per-recipient schedule-response, and error elements.
 */
import { child, el, elements, parseXml, textOf, toXmlDocument, type XmlElement } from '../dav/xml.js';
import { XML_CONTENT_TYPE, type DavResponse } from '../dav/http-types.js';

export const ISCHEDULE_NS = 'urn:ietf:params:xml:ns:ischedule';

export interface RecipientAnswer {
  recipient: string;
  requestStatus: string;
  calendarData?: string;
}

const x = (name: string, children: (XmlElement | string)[] = [], attrs: Record<string, string> = {}): XmlElement => el(ISCHEDULE_NS, name, children, attrs);

export function xmlAnswer(status: number, root: XmlElement, headers: Record<string, string> = {}): DavResponse {
  return { status, headers: { 'content-type': XML_CONTENT_TYPE, 'ischedule-version': '1.0', 'cache-control': 'no-cache', ...headers }, body: toXmlDocument(root) };
}

/** An error answer with the draft's precondition element, e.g. verification-failed (§9.x). */
export function errorAnswer(status: number, condition: string, description: string, headers: Record<string, string> = {}): DavResponse {
  return xmlAnswer(status, x('error', [x(condition), x('response-description', [description])]), headers);
}

export function scheduleResponse(answers: RecipientAnswer[]): DavResponse {
  return xmlAnswer(200, x('schedule-response', answers.map((a) => x('response', [
    x('recipient', [a.recipient]),
    x('request-status', [a.requestStatus]),
    ...(a.calendarData ? [x('calendar-data', [a.calendarData])] : []),
  ]))));
}

export function parseScheduleResponse(text: string): RecipientAnswer[] {
  const root = parseXml(text);
  if (root.ns !== ISCHEDULE_NS || root.name !== 'schedule-response') throw new Error(`expected a schedule-response, got ${root.name}`);
  return elements(root, ISCHEDULE_NS, 'response').map((r) => {
    const recipient = child(r, ISCHEDULE_NS, 'recipient');
    const data = child(r, ISCHEDULE_NS, 'calendar-data');
    return {
      recipient: (recipient ? textOf(recipient) : '').trim().toLowerCase(),
      requestStatus: textOf(child(r, ISCHEDULE_NS, 'request-status') ?? x('none')).trim(),
      ...(data ? { calendarData: textOf(data) } : {}),
    };
  });
}

/** The error condition's name in an error answer, or null. */
export function errorCondition(text: string): string | null {
  try {
    const root = parseXml(text);
    return root.name === 'error' ? (elements(root).find((e) => e.name !== 'response-description')?.name ?? null) : null;
  } catch {
    return null;
  }
}

export const SUPPORTED_METHODS: Record<string, string[]> = {
  VEVENT: ['REQUEST', 'ADD', 'REPLY', 'CANCEL', 'REFRESH', 'COUNTER', 'DECLINECOUNTER', 'PUBLISH'],
  VTODO: ['REQUEST', 'ADD', 'REPLY', 'CANCEL', 'REFRESH', 'COUNTER', 'DECLINECOUNTER', 'PUBLISH'],
  VJOURNAL: ['PUBLISH', 'ADD', 'CANCEL'],
  VFREEBUSY: ['REQUEST'],
};

/** §5.1 capabilities: versions, messages, data types, limits. */
export function capabilities(o: { serial: number; maxContentLength: number; maxRecipients: number; maxInstances: number }): DavResponse {
  const components = Object.entries(SUPPORTED_METHODS).map(([name, methods]) => x('component', methods.map((m) => x('method', [], { name: m })), { name }));
  return xmlAnswer(200, x('query-result', [x('capabilities', [
    x('serial-number', [String(o.serial)]),
    x('versions', [x('version', ['1.0'])]),
    x('scheduling-messages', components),
    x('calendar-data-types', [x('calendar-data-type', [], { 'content-type': 'text/calendar', version: '2.0' })]),
    x('attachments', [x('inline')]),
    x('max-content-length', [String(o.maxContentLength)]),
    x('min-date-time', ['19000101T000000Z']),
    x('max-date-time', ['21001231T235959Z']),
    x('max-instances', [String(o.maxInstances)]),
    x('max-recipients', [String(o.maxRecipients)]),
  ])]));
}
