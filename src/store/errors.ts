/** Store failures a request can meet that are not its own fault; the HTTP layer maps each to a status. */
/**
 * The database cannot be reached (PostgreSQL down or restarting, connections refused): the
 * request can be tried again later, so the HTTP layer answers 503 with Retry-After.
 */
export class StoreUnavailableError extends Error {
  constructor(message: string, override readonly cause?: unknown) {
    super(message);
    this.name = 'StoreUnavailableError';
  }
}

/** The store has no room left (SQLITE_FULL: the disk is full). Nothing was written. */
export class StoreFullError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreFullError';
  }
}

/** A write lost the race with other requests too many times in a row (heavy contention): 409. */
export class StoreConflictError extends Error {
  constructor() {
    super('Another request changed the same data at the same moment, again and again; try again');
    this.name = 'StoreConflictError';
  }
}
