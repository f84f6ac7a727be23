/**
 * Errors of the CalDAV filter language. The protocol layer maps InvalidFilterError to the
 * CALDAV:valid-filter precondition and UnsupportedCollationError to CALDAV:supported-collation
 * (RFC 4791 §7.7 and §9.7).
 */
export class InvalidFilterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidFilterError';
  }
}

export class UnsupportedCollationError extends Error {
  constructor(readonly collation: string) {
    super(`The collation ${collation} is not supported; use i;ascii-casemap, i;octet or i;unicode-casemap`);
    this.name = 'UnsupportedCollationError';
  }
}
