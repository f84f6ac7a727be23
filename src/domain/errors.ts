/**
 * Typed errors thrown by domain, store and services. They carry no HTTP: the protocol layer maps
 * each kind to the status and precondition element its RFC names (protocols/dav/errors.ts).
 */
export type ErrorKind =
  | 'bad-request'
  | 'not-found'
  | 'forbidden'
  | 'conflict'
  | 'precondition-failed'
  | 'already-exists'
  | 'method-not-allowed'
  | 'unsupported-media-type'
  | 'too-large'
  | 'quota-exceeded'
  | 'invalid-calendar-data'
  | 'invalid-calendar-object'
  | 'unsupported-component'
  | 'uid-conflict'
  | 'before-min-date'
  | 'after-max-date'
  | 'too-many-instances'
  | 'too-many-attendees'
  | 'invalid-property'
  | 'cannot-overwrite'
  | 'bad-destination'
  | 'unique-scheduling-object';

export class ReefknotError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
    /** Extra facts the protocol layer may show, e.g. the href of a conflicting object. */
    readonly detail: { href?: string } = {},
  ) {
    super(message);
    this.name = 'ReefknotError';
  }
}

export function fail(kind: ErrorKind, message: string, detail?: { href?: string }): never {
  throw new ReefknotError(kind, message, detail);
}
