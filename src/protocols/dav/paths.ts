/**
 * Request paths and hrefs. Paths are decoded segment by segment and refused when they could
 * escape the tree (dot segments, encoded slashes, control characters); hrefs are re-encoded and
 * prefixed with the public base URL's path (design.md: behind a proxy the base URL is used).
 */
import { ReefknotError } from '../../domain/errors.js';

export function decodeRequestPath(rawPath: string): string {
  const segments = rawPath.split('/');
  const decoded = segments.map((s, i) => {
    if (/%2f|%5c|%00/i.test(s)) throw new ReefknotError('bad-request', 'Encoded slashes, backslashes and NUL are not allowed in paths');
    let d: string;
    try {
      d = decodeURIComponent(s);
    } catch {
      throw new ReefknotError('bad-request', 'The path has an invalid percent-encoding');
    }
    if (d === '.' || d === '..') throw new ReefknotError('bad-request', "Paths may not contain '.' or '..' segments");
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f\\]/.test(d)) throw new ReefknotError('bad-request', 'Paths may not contain control characters or backslashes');
    if (d === '' && i > 0 && i < segments.length - 1) throw new ReefknotError('bad-request', 'Paths may not contain empty segments (//)');
    return d;
  });
  const path = decoded.join('/');
  return path.startsWith('/') ? path : `/${path}`;
}

export function encodePath(path: string): string {
  return path.split('/').map((s) => encodeURIComponent(s).replace(/%40/g, '@')).join('/');
}

export class Hrefs {
  /** @param prefix path of the public base URL without a trailing slash, e.g. '' or '/dav'. */
  constructor(readonly prefix: string, readonly origin: string) {}

  href(path: string): string {
    return this.prefix + encodePath(path);
  }

  /** Strips the base path from an incoming request path, if present. */
  local(rawPath: string): string {
    if (this.prefix && (rawPath === this.prefix || rawPath.startsWith(`${this.prefix}/`))) return rawPath.slice(this.prefix.length) || '/';
    return rawPath;
  }

  /** Decoded local path of a Destination header or an href in a body (absolute URL or path). */
  fromHref(href: string): string {
    let pathname = href;
    if (/^[a-z][a-z0-9+.-]*:/i.test(href)) {
      try {
        pathname = new URL(href).pathname;
      } catch {
        throw new ReefknotError('bad-request', `'${href}' is not a URL`);
      }
    }
    return decodeRequestPath(this.local(pathname.split('?')[0] ?? ''));
  }
}
