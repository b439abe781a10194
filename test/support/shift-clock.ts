/**
 * Moves this process's clock by `HARBOR_TEST_CLOCK_SHIFT_MS` (import it before anything else): an
 * evaluation that reads the clock then differs from one at the real time. Only `Date` is shifted;
 * explicit dates (`new Date(2020, 0, 1)`, `Date.parse`) are unchanged.
 */
const shift = Number(process.env.HARBOR_TEST_CLOCK_SHIFT_MS ?? "0");

if (Number.isFinite(shift) && shift !== 0) {
  const RealDate = Date;
  class ShiftedDate extends RealDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(RealDate.now() + shift);
      else super(...(args as [string | number | Date]));
    }
    static now(): number {
      return RealDate.now() + shift;
    }
  }
  globalThis.Date = ShiftedDate as DateConstructor;
}

export const CLOCK_SHIFT_MS = shift;
