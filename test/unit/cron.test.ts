/** config/cron.ts: five-field cron parsing as CronJobs and Velero read it, and the longest gap. */
import { strict as assert } from "node:assert";
import { cronLongestGapMinutes, goDuration, parseCron } from "../../config/cron";

const DAY = 24 * 60;

describe("config/cron", function () {
  it("parses lists, ranges, steps and names", function () {
    const parsed = parseCron("*/20 1,13 1-7 jan,JUL mon-fri");
    assert.ok(parsed.ok);
    assert.deepEqual([...parsed.schedule.minutes], [0, 20, 40]);
    assert.deepEqual([...parsed.schedule.hours], [1, 13]);
    assert.deepEqual([...parsed.schedule.daysOfMonth], [1, 2, 3, 4, 5, 6, 7]);
    assert.deepEqual([...parsed.schedule.months], [1, 7]);
    assert.deepEqual([...parsed.schedule.daysOfWeek], [1, 2, 3, 4, 5]);
    assert.equal(parsed.schedule.daysOfMonthStar, false);
    assert.equal(parsed.schedule.daysOfWeekStar, false);
  });

  it("`a/n` runs from a to the end of the field", function () {
    const parsed = parseCron("5/20 * * * *");
    assert.ok(parsed.ok);
    assert.deepEqual([...parsed.schedule.minutes], [5, 25, 45]);
  });

  it("says which field is wrong and why", function () {
    const problem = (e: string) => {
      const p = parseCron(e);
      return p.ok ? undefined : p.problem;
    };
    assert.equal(problem("60 * * * *"), 'field 1 (minute): "60" is out of range 0-59');
    assert.equal(problem("0 3 0 * *"), 'field 3 (day of month): "0" is out of range 1-31');
    assert.equal(problem("0 3 * 13 *"), 'field 4 (month): "13" is out of range 1-12');
    assert.equal(problem("0 3 * * 7"), 'field 5 (day of week): "7" is out of range 0-6');
    assert.equal(
      problem("0 3 * * funday"),
      'field 5 (day of week): "funday" is not a number 0-6 or sun-sat',
    );
    assert.equal(problem("0 5-3 * * *"), 'field 2 (hour): "5-3" is a range that runs backwards');
    assert.equal(problem("*/0 * * * *"), 'field 1 (minute): the step in "*/0" must be at least 1');
    assert.equal(
      problem("0 3 * *"),
      "has 4 fields, not 5 (minute hour day-of-month month day-of-week)",
    );
    assert.equal(problem(""), "has 0 fields, not 5 (minute hour day-of-month month day-of-week)");
    assert.equal(
      problem("weekly"),
      "has 1 field, not 5 (minute hour day-of-month month day-of-week)",
    );
    assert.equal(
      problem("@weekly"),
      "descriptors such as @daily are not accepted; write the 5 fields",
    );
    assert.equal(
      problem("CRON_TZ=UTC 0 3 * * *"),
      "has 6 fields, not 5 (minute hour day-of-month month day-of-week)",
    );
    assert.equal(problem("0 3 ? * *"), 'field 3 (day of month): "?" is not a number 1-31');
  });

  it("the longest gap between runs, over four years", function () {
    assert.equal(cronLongestGapMinutes("0 3 * * *"), DAY);
    assert.equal(cronLongestGapMinutes("*/15 * * * *"), 15);
    assert.equal(cronLongestGapMinutes("0 */6 * * *"), 6 * 60);
    // Weekdays: Friday 03:00 to Monday 03:00.
    assert.equal(cronLongestGapMinutes("0 3 * * 1-5"), 3 * DAY);
    assert.equal(cronLongestGapMinutes("0 3 * * mon-fri"), 3 * DAY);
    assert.equal(cronLongestGapMinutes("0 3 * * 0"), 7 * DAY);
    // Monthly: the longest month.
    assert.equal(cronLongestGapMinutes("0 0 1 * *"), 31 * DAY);
    // Both day fields restricted: either matches (the 1st or any Monday).
    assert.ok(cronLongestGapMinutes("0 0 1 * 1")! <= 7 * DAY);
    assert.equal(cronLongestGapMinutes("0 0 1 1 *"), 366 * DAY);
    // Only on 29 February: once in the window, no gap.
    assert.equal(cronLongestGapMinutes("0 0 29 2 *"), undefined);
    assert.equal(cronLongestGapMinutes("0 0 30 2 *"), undefined);
  });

  it("formats Go durations", function () {
    assert.equal(goDuration(7 * DAY), "168h0m0s");
    assert.equal(goDuration(90), "1h30m0s");
  });
});
