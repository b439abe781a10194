/**
 * Cron expressions, one parser for every consumer:
 * - Kubernetes CronJobs and Velero Schedules (robfig/cron's standard parser) read five fields,
 *   `minute hour day-of-month month day-of-week` (`parseCron`);
 * - Harbor's schedules (garbage collection, scan-all, retention, replication) read six, with
 *   seconds first and the seconds field 0 (`utils.ValidateCronString`); `harborCron` accepts
 *   either form and returns Harbor's.
 * Each field is `*`, a number, a range `a-b`, a step `*\/n`, `a-b/n` or `a/n`, or a
 * comma-separated list of those; months and weekdays also by their English three-letter names.
 * Descriptors (`@daily`), `?` and time-zone prefixes are refused so that every consumer reads the
 * same schedule.
 */

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
}

const FIELDS: readonly FieldSpec[] = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day of month", min: 1, max: 31 },
  {
    name: "month",
    min: 1,
    max: 12,
    names: ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"],
  },
  { name: "day of week", min: 0, max: 6, names: ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] },
];

/** A parsed schedule: the values each field matches. */
export interface CronSchedule {
  minutes: ReadonlySet<number>;
  hours: ReadonlySet<number>;
  daysOfMonth: ReadonlySet<number>;
  months: ReadonlySet<number>;
  daysOfWeek: ReadonlySet<number>;
  /** Day of month or day of week given as `*`: cron then matches on the other field alone. */
  daysOfMonthStar: boolean;
  daysOfWeekStar: boolean;
}

/** Parse result: the schedule, or what is wrong with the expression. */
export type CronParse = { ok: true; schedule: CronSchedule } | { ok: false; problem: string };

function parseValue(text: string, spec: FieldSpec): number | undefined {
  if (/^\d+$/.test(text)) return Number(text);
  const index = spec.names?.indexOf(text.toLowerCase()) ?? -1;
  if (index < 0) return undefined;
  return spec.min + index;
}

function parseField(text: string, spec: FieldSpec): Set<number> | string {
  const values = new Set<number>();
  for (const part of text.split(",")) {
    const m = /^([^/]+)(?:\/(\d+))?$/.exec(part);
    if (!m) return `"${part}" is not a value, range or step`;
    const [, base, stepText] = m;
    const step = stepText === undefined ? 1 : Number(stepText);
    if (step < 1) return `the step in "${part}" must be at least 1`;
    let from: number | undefined;
    let to: number | undefined;
    if (base === "*") {
      from = spec.min;
      to = spec.max;
    } else if (base.includes("-")) {
      const [a, b, extra] = base.split("-");
      if (extra !== undefined) return `"${part}" is not a range such as 1-5`;
      from = parseValue(a, spec);
      to = parseValue(b, spec);
    } else {
      from = parseValue(base, spec);
      // `a/n` means every n-th value from a to the end of the field.
      to = stepText === undefined ? from : spec.max;
    }
    if (from === undefined || to === undefined) {
      const allowed = spec.names ? ` or ${spec.names[0]}-${spec.names[spec.names.length - 1]}` : "";
      return `"${part}" is not a number ${spec.min}-${spec.max}${allowed}`;
    }
    if (from < spec.min || to > spec.max) {
      return `"${part}" is out of range ${spec.min}-${spec.max}`;
    }
    if (from > to) return `"${part}" is a range that runs backwards`;
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return values;
}

/** Parses a five-field cron expression. */
export function parseCron(expression: string): CronParse {
  const fields = expression.trim().split(/\s+/);
  if (expression.trim().startsWith("@")) {
    return {
      ok: false,
      problem: "descriptors such as @daily are not accepted; write the 5 fields",
    };
  }
  if (fields.length !== 5) {
    const count = expression.trim() === "" ? 0 : fields.length;
    return {
      ok: false,
      problem: `has ${count} field${count === 1 ? "" : "s"}, not 5 (minute hour day-of-month month day-of-week)`,
    };
  }
  const sets: Set<number>[] = [];
  for (let i = 0; i < 5; i++) {
    const parsed = parseField(fields[i], FIELDS[i]);
    if (typeof parsed === "string") {
      return { ok: false, problem: `field ${i + 1} (${FIELDS[i].name}): ${parsed}` };
    }
    sets.push(parsed);
  }
  return {
    ok: true,
    schedule: {
      minutes: sets[0],
      hours: sets[1],
      daysOfMonth: sets[2],
      months: sets[3],
      daysOfWeek: sets[4],
      daysOfMonthStar: fields[2].startsWith("*"),
      daysOfWeekStar: fields[4].startsWith("*"),
    },
  };
}

function dayMatches(s: CronSchedule, date: Date): boolean {
  if (!s.months.has(date.getUTCMonth() + 1)) return false;
  const dom = s.daysOfMonth.has(date.getUTCDate());
  const dow = s.daysOfWeek.has(date.getUTCDay());
  // Cron's rule: when both day fields are restricted, a day matching either one runs.
  if (s.daysOfMonthStar || s.daysOfWeekStar) return dom && dow;
  return dom || dow;
}

/** Window over which run times are simulated: four years from a fixed date, leap day included. */
const WINDOW_START = Date.UTC(2024, 0, 1);
const WINDOW_DAYS = 4 * 366;
const MINUTE_MS = 60_000;

/**
 * Run times of a schedule (minutes since the epoch, UTC) over a fixed four-year window: the same
 * answer on every run, independent of the clock.
 */
export function cronRunMinutes(schedule: CronSchedule): number[] {
  const minutes = [...schedule.minutes].sort((a, b) => a - b);
  const hours = [...schedule.hours].sort((a, b) => a - b);
  const runs: number[] = [];
  for (let day = 0; day < WINDOW_DAYS; day++) {
    const midnight = WINDOW_START + day * 24 * 60 * MINUTE_MS;
    if (!dayMatches(schedule, new Date(midnight))) continue;
    for (const h of hours) {
      for (const m of minutes) runs.push(midnight / MINUTE_MS + h * 60 + m);
    }
  }
  return runs;
}

/**
 * The longest time between two consecutive runs, in minutes; undefined when the schedule runs
 * less than twice in four years (such as only on 29 February).
 */
export function cronLongestGapMinutes(expression: string): number | undefined {
  const parsed = parseCron(expression);
  if (!parsed.ok) return undefined;
  const runs = cronRunMinutes(parsed.schedule);
  let longest: number | undefined;
  for (let i = 1; i < runs.length; i++) {
    const gap = runs[i] - runs[i - 1];
    if (longest === undefined || gap > longest) longest = gap;
  }
  return longest;
}

/** Harbor's six-field form of a schedule, or what is wrong with the expression. */
export type HarborCronParse = { ok: true; cron: string } | { ok: false; problem: string };

/**
 * Checks a schedule for Harbor and returns its six-field form: `0 3 * * 6` becomes `0 0 3 * * 6`;
 * a six-field expression must have 0 seconds. The problem reads after "must be ...".
 */
export function harborCron(expression: string): HarborCronParse {
  const fields = expression.trim().split(/\s+/);
  if (fields.length === 6 && !expression.trim().startsWith("@")) {
    if (fields[0] !== "0") {
      return {
        ok: false,
        problem: `has seconds ${JSON.stringify(fields[0])}: Harbor runs schedules on whole minutes, so the seconds field must be 0`,
      };
    }
    fields.shift();
  }
  const parsed = parseCron(fields.join(" "));
  if (!parsed.ok) {
    return {
      ok: false,
      problem: parsed.problem.replace(/^(has \d+ fields?), not 5 /, "$1, not 5 or 6 "),
    };
  }
  return { ok: true, cron: ["0", ...fields].join(" ") };
}

/** `<h>h<m>m0s`: a Go `time.Duration` string, as Velero's `ttl` takes it. */
export function goDuration(minutes: number): string {
  return `${Math.floor(minutes / 60)}h${minutes % 60}m0s`;
}
