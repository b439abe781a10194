/** The garbage-collection schedule (`harbor:gc`): /system/gc/schedule, one per Harbor. */
import { harborRequest } from "../client";
import {
  type GcScheduleInputs,
  GC_RULES,
  NO_SCHEDULE,
  gcScheduleBody,
  observeGcSchedule,
} from "../model";
import type { GCHistory } from "../types";
import { singletonProvider } from "./common";

/** Pulumi ID of the GC schedule. */
export const GC_SCHEDULE_ID = "gc-schedule";

export const gcScheduleProvider = singletonProvider<GcScheduleInputs>({
  id: GC_SCHEDULE_ID,
  rules: GC_RULES,
  what: "garbage-collection schedule",
  async current(conn) {
    const body = (await harborRequest<GCHistory | null>(conn, "GET", "/system/gc/schedule")).body;
    const seen = observeGcSchedule(body ?? undefined);
    return seen ? { ...seen } : undefined;
  },
  async apply(conn, i, exists) {
    await harborRequest(conn, exists ? "PUT" : "POST", "/system/gc/schedule", {
      body: gcScheduleBody(i),
    });
  },
  async reset(conn) {
    await harborRequest(conn, "PUT", "/system/gc/schedule", { body: NO_SCHEDULE });
  },
});
