/**
 * The WebDAV core (RFC 4918 classes 1 and 3): method dispatch and the methods that know nothing
 * of calendars. CalDAV plugs in through `DavExtensions`: extra methods (MKCALENDAR), reports,
 * properties and a GET hook for collections.
 */
import { ReefknotError } from '../../domain/errors.js';
import type { CalendarLimits } from '../../domain/ical/limits.js';
import type { ContentService } from '../../services/content.js';
import type { CopyMoveService } from '../../services/copy-move.js';
import { ResourceService, type Resource } from '../../services/resources.js';
import { getPreconditionFails, notModified, writePreconditions } from './conditional.js';
import type { ReportInfo } from './core-properties.js';
import { DavError, renderDavError, toDavError } from './errors.js';
import type { DavRequest, DavResponse } from './http-types.js';
import { multistatus } from './multistatus.js';
import type { Hrefs } from './paths.js';
import type { PropContext, PropertyRegistry } from './properties.js';
import { parseDepth, parsePropfindBody, PropfindResponder } from './propfind.js';
import { failurePropstats, planUpdate, readInstructions, successPropstats } from './property-update.js';
import { createCollection } from './mkcol.js';
import { el, NS, parseXml, type XmlElement } from './xml.js';

export interface DavContext extends PropContext {
  req: DavRequest;
}

export interface ReportHandler extends ReportInfo {
  run(root: XmlElement, target: Resource, ctx: DavContext, dav: DavProtocol): Promise<DavResponse>;
}

export type MethodHandler = (req: DavRequest, dav: DavProtocol) => Promise<DavResponse>;

export interface DavExtensions {
  davClasses: string[];
  methods: Record<string, MethodHandler>;
  reports: ReportHandler[];
  /** PROPPATCH of resources the store does not hold (principal groups), or null for the default. */
  patchOther?: (req: DavRequest, target: Resource, root: XmlElement, dav: DavProtocol) => Promise<DavResponse | null>;
  /** Answers GET on resources the store does not hold (notifications), or null. */
  getOther?: (r: Resource, ctx: DavContext) => Promise<DavResponse | null>;
  /** Answers GET on a collection (a calendar feed), or null for the default listing. */
  getCollection?: (r: Resource & { type: 'collection' }, ctx: DavContext) => Promise<DavResponse | null>;
}

export interface DavDeps {
  content: ContentService;
  copyMove: CopyMoveService;
  hrefs: Hrefs;
  limits: CalendarLimits;
  registry: PropertyRegistry;
  maxXmlBytes: number;
}

const CORE_METHODS = ['OPTIONS', 'GET', 'HEAD', 'PUT', 'DELETE', 'PROPFIND', 'PROPPATCH', 'MKCOL', 'COPY', 'MOVE', 'REPORT'];

export class DavProtocol {
  readonly propfind: PropfindResponder;

  constructor(readonly deps: DavDeps, readonly ext: DavExtensions) {
    this.propfind = new PropfindResponder(deps.registry, async (r, ctx) =>
      (await deps.content.resources.deadProperties(ctx.snapshot, r)).map((d) => JSON.parse(d.value) as XmlElement),
    );
  }

  get allowedMethods(): string[] {
    return [...CORE_METHODS, ...Object.keys(this.ext.methods)];
  }

  async handle(req: DavRequest): Promise<DavResponse> {
    try {
      return await this.dispatch(req);
    } catch (e) {
      if (e instanceof ReefknotError) return renderDavError(toDavError(e, (p) => this.deps.hrefs.href(p)));
      if (e instanceof DavError) return renderDavError(e);
      throw e;
    }
  }

  private dispatch(req: DavRequest): Promise<DavResponse> {
    const extra = this.ext.methods[req.method];
    if (extra) return extra(req, this);
    switch (req.method) {
      case 'OPTIONS': return this.options();
      case 'GET': case 'HEAD': return this.get(req);
      case 'PUT': return this.put(req);
      case 'DELETE': return this.delete(req);
      case 'PROPFIND': return this.propfindMethod(req);
      case 'PROPPATCH': return this.proppatch(req);
      case 'MKCOL': return createCollection(req, this, 'MKCOL');
      case 'COPY': case 'MOVE': return this.copyMoveMethod(req);
      case 'REPORT': return this.report(req);
      case 'LOCK': case 'UNLOCK':
        throw new DavError(405, 'Locking (WebDAV class 2) is not supported by this server', undefined, { allow: this.allowedMethods.join(', ') });
      default:
        throw new DavError(501, `This server does not support the method ${req.method}`);
    }
  }

  /** Runs `fn` on a read snapshot with a property context for `req`. */
  read<T>(req: DavRequest, fn: (ctx: DavContext) => Promise<T>): Promise<T> {
    return this.deps.content.resources.read((snapshot) =>
      fn({ snapshot, principal: req.principal, hrefs: this.deps.hrefs, resources: this.deps.content.resources, limits: this.deps.limits, req }),
    );
  }

  parseBody(req: DavRequest): XmlElement | null {
    if (req.body.length === 0) return null;
    return parseXml(req.body.toString('utf8'), this.deps.maxXmlBytes);
  }

  private async options(): Promise<DavResponse> {
    return {
      status: 200,
      headers: { dav: this.ext.davClasses.join(', '), allow: this.allowedMethods.join(', '), 'content-length': '0' },
    };
  }

  private async get(req: DavRequest): Promise<DavResponse> {
    return this.read(req, async (ctx) => {
      const r = await this.deps.content.resources.require(ctx.snapshot, req.principal, req.path);
      if (r.type === 'object') {
        const etag = ResourceService.visibleEtag(r);
        const headers: Record<string, string> = {
          etag: `"${etag}"`, 'content-type': r.object.contentType, 'last-modified': new Date(r.object.modifiedAt).toUTCString(),
        };
        if (r.object.scheduleTag) headers['schedule-tag'] = `"${r.object.scheduleTag}"`;
        if (getPreconditionFails(req.headers, etag)) throw new ReefknotError('precondition-failed', 'If-Match failed');
        if (notModified(req.headers, etag)) return { status: 304, headers };
        const body = ResourceService.hidesDetails(r) ? await this.deps.content.resources.visibleText(ctx.snapshot, r) : (await this.deps.content.resources.content(ctx.snapshot, r)).content;
        return { status: 200, headers, body };
      }
      if (r.type !== 'collection' && this.ext.getOther) {
        const res = await this.ext.getOther(r, ctx);
        if (res) return res;
      }
      if (r.type === 'collection' && this.ext.getCollection) {
        const res = await this.ext.getCollection(r, ctx);
        if (res) return res;
      }
      const members = await this.deps.content.resources.children(ctx.snapshot, req.principal, r);
      const listing = members.map((m) => this.deps.hrefs.href(m.path)).join('\n');
      return { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: `${listing}\n` };
    });
  }

  private async put(req: DavRequest): Promise<DavResponse> {
    if (req.headers['content-range'] !== undefined) throw new ReefknotError('bad-request', 'PUT with Content-Range is not supported');
    if (req.path.endsWith('/')) throw new ReefknotError('method-not-allowed', 'PUT cannot create a collection; use MKCOL or MKCALENDAR');
    const r = await this.deps.content.put(req.principal, req.path, req.body, req.headers['content-type'] ?? '', writePreconditions(req.headers),
      { keepAnswers: req.headers['if-schedule-tag-match'] !== undefined });
    // RFC 4791 §5.3.4: no ETag when the stored data is not what the client sent (scheduling changed it).
    const headers: Record<string, string> = r.modified ? {} : { etag: `"${r.etag}"` };
    if (r.scheduleTag) headers['schedule-tag'] = `"${r.scheduleTag}"`;
    return { status: r.created ? 201 : 204, headers };
  }

  private async delete(req: DavRequest): Promise<DavResponse> {
    const depth = req.headers.depth;
    if (depth !== undefined && depth.trim().toLowerCase() !== 'infinity' && req.path.endsWith('/')) {
      throw new ReefknotError('bad-request', 'DELETE of a collection must have Depth: infinity (RFC 4918 §9.6.1)');
    }
    await this.deps.content.remove(req.principal, req.path, writePreconditions(req.headers));
    return { status: 204, headers: {} };
  }

  private async propfindMethod(req: DavRequest): Promise<DavResponse> {
    const depth = parseDepth(req.headers.depth, 'infinity');
    if (depth === 'infinity') {
      throw new DavError(403, 'PROPFIND with Depth: infinity is not supported; use Depth 0 or 1', { ns: NS.DAV, name: 'propfind-finite-depth' });
    }
    const request = parsePropfindBody(this.parseBody(req));
    return this.read(req, async (ctx) => {
      const r = await this.deps.content.resources.require(ctx.snapshot, req.principal, req.path);
      const targets = depth === '1' ? [r, ...(await this.deps.content.resources.children(ctx.snapshot, req.principal, r))] : [r];
      const responses: XmlElement[] = [];
      for (const t of targets) responses.push(await this.propfind.response(t, request, ctx));
      return multistatus(responses);
    });
  }

  private async proppatch(req: DavRequest): Promise<DavResponse> {
    const root = this.parseBody(req);
    if (!root || root.ns !== NS.DAV || root.name !== 'propertyupdate') {
      throw new ReefknotError('bad-request', 'The PROPPATCH body must be a DAV:propertyupdate element');
    }
    const target = await this.read(req, (ctx) => this.deps.content.resources.require(ctx.snapshot, req.principal, req.path));
    if (target.type !== 'collection' && target.type !== 'object' && this.ext.patchOther) {
      const handled = await this.ext.patchOther(req, target, root, this);
      if (handled) return handled;
    }
    const instructions = readInstructions(root, ['set', 'remove']);
    const plan = planUpdate(this.deps.registry, instructions, target, false);
    const href = el(NS.DAV, 'href', [this.deps.hrefs.href(target.path)]);
    if (plan.failures.length > 0) return multistatus([el(NS.DAV, 'response', [href, ...failurePropstats(plan)])]);
    await this.deps.content.patchProperties(req.principal, req.path, plan.patch);
    return multistatus([el(NS.DAV, 'response', [href, ...successPropstats(plan)])]);
  }

  private async copyMoveMethod(req: DavRequest): Promise<DavResponse> {
    const destination = req.headers.destination;
    if (!destination) throw new ReefknotError('bad-request', `${req.method} needs a Destination header`);
    const destPath = this.deps.hrefs.fromHref(destination);
    const overwriteHeader = (req.headers.overwrite ?? 'T').trim().toUpperCase();
    if (overwriteHeader !== 'T' && overwriteHeader !== 'F') throw new ReefknotError('bad-request', 'Overwrite must be T or F');
    const depth = parseDepth(req.headers.depth, 'infinity');
    if (req.method === 'MOVE' && depth !== 'infinity' && req.path.endsWith('/')) {
      throw new ReefknotError('bad-request', 'MOVE of a collection must have Depth: infinity (RFC 4918 §9.9.2)');
    }
    if (depth === '1') throw new ReefknotError('bad-request', 'COPY takes Depth 0 or infinity (RFC 4918 §9.8.3)');
    const { created } = await this.deps.copyMove.copyMove(req.principal, req.path, destPath, {
      move: req.method === 'MOVE', overwrite: overwriteHeader === 'T', depth: depth === '0' ? 0 : 'infinity',
    });
    return { status: created ? 201 : 204, headers: {} };
  }

  private async report(req: DavRequest): Promise<DavResponse> {
    const root = this.parseBody(req);
    if (!root) throw new ReefknotError('bad-request', 'REPORT needs an XML body naming the report');
    return this.read(req, async (ctx) => {
      const target = await this.deps.content.resources.require(ctx.snapshot, req.principal, req.path);
      const handler = this.ext.reports.find((h) => h.ns === root.ns && h.name === root.name);
      if (!handler || !handler.appliesTo(target)) {
        throw new DavError(403, `The report {${root.ns}}${root.name} is not supported on this resource`, { ns: NS.DAV, name: 'supported-report' });
      }
      try {
        return await handler.run(root, target, ctx, this);
      } catch (e) {
        // A report whose recurrence work passes the bound answers 507 rather than stalling (RFC 4791 §5.2.8).
        if (e instanceof ReefknotError && e.kind === 'too-many-instances') {
          throw new DavError(507, `${e.message}; narrow the time range`, { ns: NS.DAV, name: 'number-of-matches-within-limits' });
        }
        throw e;
      }
    });
  }
}
