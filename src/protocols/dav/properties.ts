/**
 * Live properties: each one a typed definition (namespace, name, whether protected, whether
 * allprop shows it, how to compute it). The WebDAV core defines DAV: ones; CalDAV and later
 * extensions register theirs (design.md: plugins with typed hooks, not strings).
 */
import type { Principal } from '../../services/access.js';
import type { Resource, ResourceService, Snapshot } from '../../services/resources.js';
import type { CalendarLimits } from '../../domain/ical/limits.js';
import type { Hrefs } from './paths.js';
import type { XmlNode } from './xml.js';

export interface PropContext {
  /** The request's store snapshot: passed back to services, never queried here. */
  snapshot: Snapshot;
  principal: Principal;
  hrefs: Hrefs;
  resources: ResourceService;
  limits: CalendarLimits;
}

export interface LiveProperty {
  ns: string;
  name: string;
  /** Protected properties cannot be set by PROPPATCH (RFC 4918 §15). */
  protected: boolean;
  /** Whether a DAV:allprop PROPFIND includes it (RFC 4918 §9.1, RFC 4791 §5.2 "SHOULD NOT"). */
  allprop: boolean;
  /** The property's children (text or elements), or null when it does not apply to `r`. */
  get(r: Resource, ctx: PropContext): Promise<XmlNode[] | null> | XmlNode[] | null;
}

/** Properties stored as dead properties but whose values a protocol checks before storing. */
export interface CheckedDeadProperty {
  ns: string;
  name: string;
  /** Throws ReefknotError('invalid-property') with a reason, or returns normally. */
  validate(value: XmlNode[], r: Resource): void;
  /** Which resources may carry it; others refuse it with 403. */
  appliesTo(r: Resource): boolean;
}

export class PropertyRegistry {
  private readonly live = new Map<string, LiveProperty>();
  private readonly checked = new Map<string, CheckedDeadProperty>();

  static key(ns: string, name: string): string {
    return `{${ns}}${name}`;
  }

  add(...props: LiveProperty[]): this {
    for (const p of props) this.live.set(PropertyRegistry.key(p.ns, p.name), p);
    return this;
  }

  addChecked(...props: CheckedDeadProperty[]): this {
    for (const p of props) this.checked.set(PropertyRegistry.key(p.ns, p.name), p);
    return this;
  }

  find(ns: string, name: string): LiveProperty | undefined {
    return this.live.get(PropertyRegistry.key(ns, name));
  }

  findChecked(ns: string, name: string): CheckedDeadProperty | undefined {
    return this.checked.get(PropertyRegistry.key(ns, name));
  }

  all(): LiveProperty[] {
    return [...this.live.values()];
  }
}
