/**
 * Cron expressions as Harbor reads them: six fields with seconds first (robfig/cron with the
 * Second|Minute|Hour|Dom|Month|Dow parser), and the seconds field must be 0
 * (`utils.ValidateCronString`). The usual five-field form is accepted and gets `0` seconds.
 */

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: string[];
}

const FIELDS: FieldSpec[] = [
  { name: "seconds", min: 0, max: 59 },
  { name: "minutes", min: 0, max: 59 },
  { name: "hours", min: 0, max: 23 },
  { name: "day of month", min: 1, max: 31 },
  {
    name: "month",
    min: 1,
    max: 12,
    names: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"],
  },
  { name: "day of week", min: 0, max: 6, names: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"] },
];

function value(text: string, spec: FieldSpec): number | undefined {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    return n >= spec.min && n <= spec.max ? n : undefined;
  }
  const index = spec.names?.indexOf(text.toUpperCase()) ?? -1;
  return index >= 0 ? index + spec.min : undefined;
}

/** Why one field is invalid, or undefined. */
function fieldProblem(text: string, spec: FieldSpec): string | undefined {
  const bad = `the ${spec.name} field ${JSON.stringify(text)} is not valid (${spec.min}-${spec.max}${spec.names ? ` or ${spec.names[0]}-${spec.names[spec.names.length - 1]}` : ""}, *, ranges a-b, lists a,b, steps */n)`;
  for (const item of text.split(",")) {
    const [range, step, extra] = item.split("/");
    if (extra !== undefined) return bad;
    if (step !== undefined && !/^[1-9]\d*$/.test(step)) return bad;
    if (range === "*" || range === "?") {
      if (range === "?" && spec.name !== "day of month" && spec.name !== "day of week") return bad;
      continue;
    }
    const [lo, hi, more] = range.split("-");
    if (more !== undefined || lo === "") return bad;
    const a = value(lo, spec);
    if (a === undefined) return bad;
    if (hi !== undefined) {
      const b = value(hi, spec);
      if (b === undefined || b < a) return bad;
    }
  }
  return undefined;
}

export type CronResult = { ok: true; cron: string } | { ok: false; message: string };

/**
 * Checks a cron expression and returns Harbor's six-field form (`0 0 3 * * 6` for `0 3 * * 6`).
 */
export function parseCron(text: string): CronResult {
  const parts = text
    .trim()
    .split(/\s+/)
    .filter((p) => p !== "");
  const expected =
    "a cron expression of 5 fields (minute hour day-of-month month day-of-week, such as `0 3 * * 6`) or Harbor's 6 fields with seconds first (`0 0 3 * * 6`)";
  if (parts.length === 5) parts.unshift("0");
  else if (parts.length !== 6) return { ok: false, message: `must be ${expected}` };
  else if (parts[0] !== "0") {
    return {
      ok: false,
      message: "must have 0 in its seconds field (Harbor's rule for 6-field expressions)",
    };
  }
  for (let i = 0; i < 6; i++) {
    const problem = fieldProblem(parts[i], FIELDS[i]);
    if (problem) return { ok: false, message: `must be ${expected}: ${problem}` };
  }
  return { ok: true, cron: parts.join(" ") };
}
