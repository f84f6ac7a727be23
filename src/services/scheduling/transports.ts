/**
 * How scheduling messages leave this server (design.md: "iTIP is data, delivered through a
 * Transport interface"). Services see only these interfaces; protocols/ implements them (iMIP over
 * SMTP now; iSchedule and CIP later) and server/ wires them in.
 */
export interface OutboundMessage {
  /** Stable across retries: receivers de-duplicate on it. */
  messageId: string;
  method: string;
  /** The calendar user sending (ORGANIZER, or the answering ATTENDEE). */
  originator: string;
  recipient: string;
  ical: string;
}

export interface Transport {
  /** A short name for logs and the queue ('imip', 'ischedule', 'cip'). */
  readonly name: string;
  /** Whether this transport can carry a message to `recipient`. */
  handles(recipient: string): Promise<boolean>;
  /**
   * Sends; resolves with the SCHEDULE-STATUS reached ('1.1' sent, '1.2' delivered, or a 3.x/5.x
   * refusal the far end gave). Throws a retryable error when the far end could not be reached.
   */
  send(message: OutboundMessage): Promise<string>;
}

/** A failure retrying will not mend (bad address, refused by policy). */
export class PermanentDeliveryError extends Error {
  constructor(message: string, readonly scheduleStatus = '5.1') {
    super(message);
  }
}
