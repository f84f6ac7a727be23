/**
 * Partial retrieval of calendar data (RFC 4791 §9.6.1–9.6.4): keep only the named components and
 * properties (or all of them), optionally with property values left out (novalue).
 */
import ICAL from 'ical.js';

type Component = InstanceType<typeof ICAL.Component>;

export interface PropSpec {
  name: string;
  novalue: boolean;
}

export interface CompSpec {
  name: string;
  /** CALDAV:allprop, or the listed props only. */
  allProps: boolean;
  props: PropSpec[];
  /** CALDAV:allcomp, or the listed components only. */
  allComps: boolean;
  comps: CompSpec[];
}

type JCal = [string, unknown[][], JCal[]];

function select(jcal: JCal, spec: CompSpec): JCal {
  const [name, props, comps] = jcal;
  const keptProps = spec.allProps
    ? props
    : props.flatMap((p) => {
        const want = spec.props.find((w) => w.name.toLowerCase() === String(p[0]));
        if (!want) return [];
        // novalue="yes": the property is named but carries no value (RFC 4791 §9.6.4).
        return [want.novalue ? [p[0], p[1], p[2], ''] : p];
      });
  const keptComps = spec.allComps
    ? comps
    : comps.flatMap((c) => {
        const want = spec.comps.find((w) => w.name.toLowerCase() === c[0]);
        return want ? [select(c, want)] : [];
      });
  return [name, keptProps, keptComps];
}

/** The VCALENDAR reduced to `spec` (whose name must be VCALENDAR), as iCalendar text. */
export function selectCalendarData(calendar: Component, spec: CompSpec): string {
  const jcal = calendar.toJSON() as unknown as JCal;
  return new ICAL.Component(select(jcal, spec) as unknown as unknown[]).toString() + '\r\n';
}
