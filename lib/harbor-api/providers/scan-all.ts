/**
 * The scan-all schedule (`harbor:scanAll`): /system/scanAll/schedule, one per Harbor.
 *
 * Without a default scanner every call answers HTTP 412 (goharbor/harbor
 * src/server/v2.0/handler/scan_all.go `requireScanEnabled`), reads included: a refresh then keeps
 * the last state with a warning that says so, and removing the schedule is a no-op with a warning
 * (nothing can scan; Harbor keeps the schedule until a scanner is registered again).
 */
import { harborError, harborRequest, isHarborError } from "../client";
import {
  type ScanAllScheduleInputs,
  NO_SCHEDULE,
  SCAN_ALL_RULES,
  isScheduled,
  scanAllScheduleBody,
} from "../model";
import type { Schedule } from "../types";
import { singletonProvider, warn } from "./common";

/** Pulumi ID of the scan-all schedule. */
export const SCAN_ALL_SCHEDULE_ID = "scan-all-schedule";

/** The operator's explanation of Harbor's 412 without a scanner. */
export function noScanner(error: unknown, configKey: string): unknown {
  if (isHarborError(error, "http", 412)) {
    return harborError(
      "http",
      `Harbor has no scanner to scan with (HTTP 412), so ${configKey} cannot be applied: keep ` +
        `harbor:trivy.enabled true, or register a scanner in Harbor`,
      { status: 412 },
    );
  }
  return error;
}

export const scanAllScheduleProvider = singletonProvider<ScanAllScheduleInputs>({
  id: SCAN_ALL_SCHEDULE_ID,
  rules: SCAN_ALL_RULES,
  what: "scan-all schedule",
  async current(conn, props) {
    try {
      const body = (await harborRequest<Schedule | null>(conn, "GET", "/system/scanAll/schedule"))
        .body;
      const type = body?.schedule?.type;
      return isScheduled(type) ? { cron: body?.schedule?.cron ?? "" } : undefined;
    } catch (error) {
      throw noScanner(
        error,
        typeof props.configKey === "string" ? props.configKey : "harbor:scanAll",
      );
    }
  },
  async apply(conn, i, exists) {
    await harborRequest(conn, exists ? "PUT" : "POST", "/system/scanAll/schedule", {
      body: scanAllScheduleBody(i),
    });
  },
  async reset(conn, props) {
    try {
      await harborRequest(conn, "PUT", "/system/scanAll/schedule", { body: NO_SCHEDULE });
    } catch (error) {
      if (!isHarborError(error, "http", 412)) throw error;
      warn(
        `${props.configKey}: Harbor has no scanner (HTTP 412), so its scan-all schedule cannot ` +
          "be removed through the API now; nothing can be scanned meanwhile. Set it to None in " +
          "the portal (Interrogation Services) after registering a scanner again",
      );
    }
  },
  explain: (error, i) => noScanner(error, i.configKey),
});
