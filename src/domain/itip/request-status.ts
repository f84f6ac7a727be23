/**
 * REQUEST-STATUS codes of RFC 5546 §3.6 that the engine returns, with their standard descriptions.
 */
export const STATUS = {
  success: '2.0;Success',
  repeatingIgnored: '2.8;Success, repeating event ignored. Scheduled as a single component',
  repeatingTodoIgnored: '2.10;Success, repeating VTODO ignored. Scheduled as a single VTODO',
  invalidPropertyValue: '3.1;Invalid property value',
  invalidUser: '3.7;Invalid calendar user',
  noAuthority: '3.8;No authority',
  missing: '3.11;Required component or property missing',
  notSupported: '5.0;Request not supported',
  noScheduling: '5.3;No scheduling support for user',
  clipped: '2.11;Success, unbounded RRULE clipped at some finite number of instances',
} as const;

export type RequestStatus = (typeof STATUS)[keyof typeof STATUS];
