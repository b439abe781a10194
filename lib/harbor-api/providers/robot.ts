/**
 * Robot accounts (`harbor:robots`): /robots.
 *
 * Harbor counts a robot's lifetime from its creation, not from its current secret: a PUT whose
 * `duration` differs sets `expires_at` to creation time + duration days, and refreshing the secret
 * (PATCH) leaves `expires_at` alone (goharbor/harbor src/server/v2.0/handler/robot.go
 * `updateV2Robot` and `RefreshSec`). So `expiresDays` here means "each secret lives that many
 * days from when Harbor issued it": on every change the program sends the duration that makes
 * `expires_at` the issue time of the current secret + `expiresDays` (rounded up to whole days), a
 * rotation extends the robot by as much, and the state records when the secret was issued
 * (`issuedAt`).
 */
import { type HarborConnection, harborError, harborRequest, listAll } from "../client";
import {
  type RobotInputs,
  ROBOT_RULES,
  observeRobot,
  robotCreateBody,
  robotUpdateBody,
} from "../model";
import type { Robot, RobotCreated, RobotSec } from "../types";
import { changed, collectionProvider, deleteIfPresent, type Props } from "./common";

const DAY = 86400;

/** Unix seconds of an RFC 3339 time Harbor answered; `fallback` when it is missing or odd. */
function unixTime(value: string | undefined, fallback: number): number {
  const ms = value ? Date.parse(value) : NaN;
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : fallback;
}

const now = () => Math.floor(Date.now() / 1000);

/**
 * The `duration` (days from the robot's creation) that makes a secret issued at `issuedAt` live
 * `days` days; -1 never expires.
 */
export function robotDuration(createdAt: number, issuedAt: number, days: number): number {
  if (days === -1) return -1;
  return Math.ceil(Math.max(0, issuedAt - createdAt) / DAY) + days;
}

/** `expiresDays` as Harbor's answer shows it: whole days from the secret's issue to `expires_at`. */
export function observedExpiresDays(expiresAt: number, issuedAt: number): number {
  if (expiresAt === -1) return -1;
  return Math.floor((expiresAt - issuedAt) / DAY);
}

/** Asks Harbor for a new secret (the old one stops working). */
async function refreshSecret(conn: HarborConnection, robotId: number): Promise<string> {
  const body: RobotSec = {};
  const response = await harborRequest<RobotSec>(conn, "PATCH", `/robots/${robotId}`, { body });
  if (!response.body?.secret) {
    throw harborError(
      "protocol",
      `Harbor refreshed robot ${robotId}'s secret but did not answer it`,
    );
  }
  return response.body.secret;
}

async function getRobot(conn: HarborConnection, robotId: number): Promise<Robot> {
  return (await harborRequest<Robot>(conn, "GET", `/robots/${robotId}`)).body;
}

/** Sets the robot as configured, its secret living `expiresDays` from `issuedAt`. */
async function putRobot(
  conn: HarborConnection,
  robotId: number,
  i: RobotInputs,
  robot: Robot,
  issuedAt: number,
): Promise<number> {
  const createdAt = unixTime(robot.creation_time, issuedAt);
  const duration = robotDuration(createdAt, issuedAt, i.expiresDays);
  await harborRequest(conn, "PUT", `/robots/${robotId}`, {
    body: { ...robotUpdateBody(i, robotId), duration },
  });
  return (await getRobot(conn, robotId)).expires_at ?? -1;
}

export const robotProvider = collectionProvider<RobotInputs>({
  rules: ROBOT_RULES,
  implied: { disabled: false },
  what: (i) => `robot account ${i.username}`,
  title: (i) => `Robot account "${i.username}"`,
  async create(conn, i) {
    const created = (
      await harborRequest<RobotCreated>(conn, "POST", "/robots", { body: robotCreateBody(i) })
    ).body;
    const id = created.id ?? 0;
    if (created.name !== i.username) {
      await deleteIfPresent(conn, `/robots/${id}`);
      throw harborError(
        "protocol",
        `Harbor named robot "${i.name}" ${JSON.stringify(created.name)}, not ` +
          `${JSON.stringify(i.username)}: its robot name prefix is not the default robot$, ` +
          `so pull secrets made from ${i.configKey} would carry the wrong user name`,
      );
    }
    return {
      id,
      outs: {
        robotId: id,
        secret: created.secret ?? "",
        expiresAt: created.expires_at ?? -1,
        issuedAt: unixTime(created.creation_time, now()),
      },
    };
  },
  async find(conn, i) {
    const robots = await listAll<Robot>(conn, "/robots", { q: `name=${i.name}` });
    const existing = robots.find((r) => r.name === i.username);
    if (!existing?.id) return undefined;
    return {
      id: existing.id,
      found: `id ${existing.id}; taking it over issues a new secret, because Harbor never shows an existing one`,
    };
  },
  async adopt(conn, id, i) {
    const secret = await refreshSecret(conn, id);
    const issuedAt = now();
    const expiresAt = await putRobot(conn, id, i, await getRobot(conn, id), issuedAt);
    return { robotId: id, secret, expiresAt, issuedAt };
  },
  async observe(conn, id, props) {
    const robot = await getRobot(conn, Number(id));
    const issuedAt =
      typeof props.issuedAt === "number" ? props.issuedAt : unixTime(robot.creation_time, now());
    const expiresAt = robot.expires_at ?? -1;
    return {
      ...observeRobot(robot),
      expiresDays: observedExpiresDays(expiresAt, issuedAt),
      expiresAt,
      issuedAt,
    };
  },
  refuse(olds, news) {
    // Lowering the lifetime of an old secret without a new one would end it at once.
    const issuedAt = olds.issuedAt;
    if (typeof issuedAt !== "number" || news.expiresDays === -1) return;
    if (olds.expiresDays === news.expiresDays || olds.rotation !== news.rotation) return;
    const end = issuedAt + news.expiresDays * DAY;
    if (end > now()) return;
    const issued = new Date(issuedAt * 1000).toISOString().slice(0, 10);
    throw harborError(
      "protocol",
      `${news.configKey}.expiresDays ${news.expiresDays} would end the current secret of ` +
        `${news.username} at once: it was issued on ${issued}, more than ${news.expiresDays} ` +
        `days ago. Change ${news.configKey}.rotation in the same update, so Harbor issues a ` +
        `new secret that lives ${news.expiresDays} days (pull secrets are updated with it)`,
    );
  },
  async update(conn, id, olds, news) {
    const robotId = Number(id);
    const current = { ...(news as unknown as Props), disabled: false };
    let secret = typeof olds.secret === "string" ? olds.secret : "";
    const robot = await getRobot(conn, robotId);
    let issuedAt =
      typeof olds.issuedAt === "number" ? olds.issuedAt : unixTime(robot.creation_time, now());
    const rotate = changed(olds, current, "rotation");
    if (rotate) {
      secret = await refreshSecret(conn, robotId);
      issuedAt = now();
    }
    let expiresAt = robot.expires_at ?? -1;
    if (
      (rotate && news.expiresDays !== -1) ||
      changed(olds, current, "description", "expiresDays", "permissions", "projectIds", "disabled")
    ) {
      expiresAt = await putRobot(conn, robotId, news, robot, issuedAt);
    }
    return { robotId, secret, expiresAt, issuedAt };
  },
  async remove(conn, id) {
    await deleteIfPresent(conn, `/robots/${id}`);
  },
});
