/**
 * Planning a property update for PROPPATCH (RFC 4918 §9.2) and extended MKCOL / MKCALENDAR
 * (RFC 5689, RFC 4791 §5.3.1): every instruction is checked first; if any fails, none is applied
 * and the others answer 424 Failed Dependency.
 */
import { ReefknotError } from '../../domain/errors.js';
import { CALENDAR_COMPONENTS, type CalendarComponentType } from '../../domain/ical/analyse.js';
import type { PropertyPatch } from '../../services/content.js';
import type { Resource } from '../../services/resources.js';
import type { PropertyRegistry } from './properties.js';
import { statusLine } from './propfind.js';
import { child, el, elements, NS, type XmlElement } from './xml.js';

export interface PlannedUpdate {
  patch: PropertyPatch;
  /** resourcetype requested at creation (extended MKCOL). */
  resourceType: XmlElement[] | null;
  failures: { prop: XmlElement; status: number; reason: string; precondition?: XmlElement }[];
  all: XmlElement[];
}

export function readInstructions(root: XmlElement, ops: ('set' | 'remove')[]): { op: 'set' | 'remove'; prop: XmlElement }[] {
  const out: { op: 'set' | 'remove'; prop: XmlElement }[] = [];
  for (const instr of elements(root, NS.DAV)) {
    if (instr.name !== 'set' && instr.name !== 'remove') continue;
    if (!ops.includes(instr.name)) throw new ReefknotError('bad-request', `DAV:${instr.name} is not allowed here`);
    const prop = child(instr, NS.DAV, 'prop');
    if (!prop) throw new ReefknotError('bad-request', `DAV:${instr.name} must contain DAV:prop`);
    for (const p of elements(prop)) out.push({ op: instr.name, prop: p });
  }
  return out;
}

function parseComponentSet(prop: XmlElement): CalendarComponentType[] {
  const comps = elements(prop, NS.CALDAV, 'comp').map((c) => (c.attrs.name ?? '').toUpperCase());
  const bad = comps.filter((c) => !(CALENDAR_COMPONENTS as readonly string[]).includes(c));
  if (comps.length === 0 || bad.length > 0) throw new ReefknotError('invalid-property', `Unsupported calendar component ${bad.join(', ') || '(none given)'}`);
  return comps as CalendarComponentType[];
}

/**
 * @param target the existing resource (PROPPATCH) or the one about to be created (creating=true)
 */
export function planUpdate(
  registry: PropertyRegistry,
  instructions: { op: 'set' | 'remove'; prop: XmlElement }[],
  target: Resource,
  creating: boolean,
): PlannedUpdate {
  const plan: PlannedUpdate = { patch: { set: [], remove: [] }, resourceType: null, failures: [], all: [] };
  for (const { op, prop } of instructions) {
    plan.all.push(el(prop.ns, prop.name));
    const fail = (status: number, reason: string, precondition?: XmlElement): void => {
      plan.failures.push({ prop: el(prop.ns, prop.name), status, reason, precondition });
    };
    if (creating && op === 'set' && prop.ns === NS.DAV && prop.name === 'resourcetype') {
      plan.resourceType = elements(prop);
      continue;
    }
    if (creating && op === 'set' && prop.ns === NS.CALDAV && prop.name === 'supported-calendar-component-set') {
      try {
        plan.patch.components = parseComponentSet(prop);
      } catch (e) {
        fail(403, (e as Error).message);
      }
      continue;
    }
    const live = registry.find(prop.ns, prop.name);
    if (live?.protected) {
      fail(403, `${prop.name} is a protected property`, el(NS.DAV, 'cannot-modify-protected-property'));
      continue;
    }
    const checked = registry.findChecked(prop.ns, prop.name);
    if (checked && op === 'set') {
      if (!checked.appliesTo(target)) {
        fail(403, `${prop.name} applies to calendar collections only`);
        continue;
      }
      try {
        checked.validate(prop.children, target);
      } catch (e) {
        fail(409, e instanceof ReefknotError ? e.message : 'invalid value');
        continue;
      }
    }
    // Instructions apply in document order (RFC 4918 §9.2): a later set or remove of the same
    // property supersedes an earlier one, so only the last instruction per property is kept.
    const same = (p: { ns: string; name: string }): boolean => p.ns === prop.ns && p.name === prop.name;
    plan.patch.set = plan.patch.set.filter((p) => !same(p));
    plan.patch.remove = plan.patch.remove.filter((p) => !same(p));
    if (op === 'set') plan.patch.set.push({ ns: prop.ns, name: prop.name, value: JSON.stringify(prop) });
    else plan.patch.remove.push({ ns: prop.ns, name: prop.name });
  }
  return plan;
}

/** The DAV:propstat list for a failed plan: each failure with its status, the rest 424. */
export function failurePropstats(plan: PlannedUpdate): XmlElement[] {
  const failed = new Set(plan.failures.map((f) => `{${f.prop.ns}}${f.prop.name}`));
  const stats = plan.failures.map((f) =>
    el(NS.DAV, 'propstat', [
      el(NS.DAV, 'prop', [f.prop]),
      el(NS.DAV, 'status', [statusLine(f.status)]),
      ...(f.precondition ? [el(NS.DAV, 'error', [f.precondition])] : []),
      el(NS.DAV, 'responsedescription', [f.reason]),
    ]),
  );
  const others = plan.all.filter((p) => !failed.has(`{${p.ns}}${p.name}`));
  if (others.length > 0) stats.push(el(NS.DAV, 'propstat', [el(NS.DAV, 'prop', others), el(NS.DAV, 'status', [statusLine(424)])]));
  return stats;
}

export function successPropstats(plan: PlannedUpdate): XmlElement[] {
  return plan.all.length === 0 ? [] : [el(NS.DAV, 'propstat', [el(NS.DAV, 'prop', plan.all), el(NS.DAV, 'status', [statusLine(200)])])];
}
