/**
 * Puts Stoplight Prism (a maintained OpenAPI validator, `prism proxy --errors`) between the
 * providers and the fake Harbor, so that every request they make is validated against Harbor's
 * OpenAPI document before it reaches the fake, and every answer of the fake is validated on the way
 * back.
 *
 *   client --> hop (/api/v2.0/...) --> prism (paths without basePath) --> fake (/api/v2.0/...)
 *
 * Prism routes Swagger 2.0 paths without the document's basePath, so a small hop in front of it
 * strips `/api/v2.0`. The hop records each exchange: the operation it matched in the document,
 * Prism's request violations (a 422 with `--errors`) and its response violations
 * (`sl-violations`). A request whose only violations are documented deviations of the document
 * from Harbor's handlers (see DOCUMENTED_DEVIATIONS) is forwarded to the fake directly and
 * recorded with them; any other violation is answered to the client, which fails the test.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";

/** A violation as Prism reports it. */
export interface Violation {
  location: string[];
  severity: string;
  code?: string | number;
  message: string;
}

/** One request through the validator. */
export interface Exchange {
  method: string;
  /** Path below /api/v2.0, with its query. */
  url: string;
  /** The document's operation, `METHOD /template`. */
  operation: string;
  status: number;
  requestViolations: Violation[];
  responseViolations: Violation[];
  /** Request violations that are documented deviations (the request went to the fake directly). */
  deviations: Violation[];
}

/**
 * Where Harbor 2.15.1's handlers accept (and its portal sends) what the document declares
 * otherwise. Each is a request-body location pattern, for the operations named.
 */
export const DOCUMENTED_DEVIATIONS: {
  operations: string[];
  location: RegExp;
  message?: RegExp;
  why: string;
}[] = [
  {
    operations: ["POST /system/gc/schedule", "PUT /system/gc/schedule"],
    location: /^body\.parameters\.(delete_untagged|workers|dry_run)$/,
    why: "Schedule.parameters values are declared as objects; gc.go reads delete_untagged/dry_run as booleans and workers as a number",
  },
  {
    operations: ["POST /retentions", "PUT /retentions/{id}"],
    location: /^body\.rules\.\d+\.params\.(latestPushedK|nDaysSinceLastPush)$/,
    why: "RetentionRule.params values are declared as objects; the retention evaluators read integers",
  },
  {
    operations: ["GET /retentions/{id}"],
    location:
      /^response\.body\.rules\.\d+\.params\.(latestPushedK|nDaysSinceLastPush|nDaysSinceLastPull)$/,
    why: "Harbor answers the integers it stored (its own default policy of a proxy cache project too)",
  },
  {
    operations: ["GET /system/gc/schedule", "GET /system/scanAll/schedule"],
    location: /^response(\.body)?$/,
    message: /^(The received media type "" does not match|Response body must be object$)/,
    why: "without a schedule, Harbor answers 200 with no body (gc.go: NewGetGCScheduleOK() without payload) where the document declares one",
  },
];

export interface SpecOperations {
  /** Matches a method and a path (below the base path) to `METHOD /template`. */
  operationOf(method: string, path: string): string | undefined;
}

/** The document's operations, for matching requests to them. */
export function loadOperations(specFile: string): SpecOperations {
  const spec = parseYaml(readFileSync(specFile, "utf8")) as {
    paths: Record<string, Record<string, unknown>>;
  };
  const routes = Object.entries(spec.paths).flatMap(([template, ops]) => {
    const normalized = template.replace(/\/$/, "");
    const re = new RegExp(`^${normalized.replace(/\{[^}]+\}/g, "[^/]+")}/?$`);
    return Object.keys(ops).map((method) => ({
      method: method.toUpperCase(),
      template,
      re,
      // Literal segments first: /robots/{id} must not shadow a literal path.
      weight: normalized.split("/").filter((s) => !s.startsWith("{")).length,
    }));
  });
  routes.sort((a, b) => b.weight - a.weight);
  return {
    operationOf(method, p) {
      const route = routes.find((r) => r.method === method && r.re.test(p));
      return route ? `${method} ${route.template}` : undefined;
    },
  };
}

function isDocumented(operation: string, v: Violation): boolean {
  const location = v.location.join(".");
  return DOCUMENTED_DEVIATIONS.some(
    (d) =>
      d.operations.includes(operation) &&
      d.location.test(location) &&
      (d.message === undefined || d.message.test(v.message)),
  );
}

async function listen(server: http.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

async function freePort(): Promise<number> {
  const server = http.createServer();
  const port = await listen(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

interface Forwarded {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

function forward(
  port: number,
  method: string,
  url: string,
  headers: http.IncomingHttpHeaders,
  body: Buffer,
): Promise<Forwarded> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: "127.0.0.1",
        port,
        method,
        path: url,
        headers: { ...headers, host: `127.0.0.1:${port}` },
        agent: false,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (c: Buffer) => chunks.push(c));
        response.on("end", () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks),
          }),
        );
        response.on("error", reject);
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}

/** Prism in proxy mode in front of `upstream`, and the hop in front of Prism. */
export class OpenApiProxy {
  readonly exchanges: Exchange[] = [];
  private prism?: ChildProcess;
  private hop?: http.Server;
  private prismLog = "";
  /** URL the client uses (as if it were Harbor). */
  url = "";

  constructor(
    private readonly specFile: string,
    private readonly upstreamPort: number,
  ) {}

  async start(): Promise<void> {
    const operations = loadOperations(this.specFile);
    const prismPort = await freePort();
    const bin = path.resolve(__dirname, "..", "..", "node_modules", ".bin", "prism");
    this.prism = spawn(
      bin,
      [
        "proxy",
        this.specFile,
        `http://127.0.0.1:${this.upstreamPort}/api/v2.0`,
        "--errors",
        "--host",
        "127.0.0.1",
        "--port",
        String(prismPort),
      ],
      {
        env: { ...process.env, SCARF_ANALYTICS: "false", DO_NOT_TRACK: "1" },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`prism did not start:\n${this.prismLog}`)),
        90000,
      );
      const onData = (chunk: Buffer) => {
        this.prismLog += chunk.toString();
        if (this.prismLog.includes("Prism is listening")) {
          clearTimeout(timer);
          resolve();
        }
      };
      this.prism!.stdout!.on("data", onData);
      this.prism!.stderr!.on("data", onData);
      this.prism!.on("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`prism exited with ${code}:\n${this.prismLog}`));
      });
    });

    this.hop = http.createServer((req, res) => {
      void (async () => {
        const chunks: Buffer[] = [];
        for await (const c of req) chunks.push(c as Buffer);
        const body = Buffer.concat(chunks);
        const method = req.method ?? "GET";
        const full = req.url ?? "/";
        const below = full.replace(/^\/api\/v2\.0/, "");
        const pathOnly = below.split("?")[0];
        const exchange: Exchange = {
          method,
          url: below,
          operation:
            operations.operationOf(method, pathOnly) ??
            `${method} ${pathOnly} (not in the document)`,
          status: 0,
          requestViolations: [],
          responseViolations: [],
          deviations: [],
        };
        this.exchanges.push(exchange);
        let answer = await forward(prismPort, method, below, req.headers, body);
        const problem = (() => {
          try {
            return JSON.parse(answer.body.toString()) as {
              type?: string;
              validation?: Violation[];
            };
          } catch {
            return undefined;
          }
        })();
        if (answer.status === 422 && problem?.type?.includes("UNPROCESSABLE_ENTITY")) {
          const violations = problem.validation ?? [];
          exchange.requestViolations = violations;
          if (
            violations.length > 0 &&
            violations.every((v) => isDocumented(exchange.operation, v))
          ) {
            exchange.deviations = violations;
            exchange.requestViolations = [];
            answer = await forward(this.upstreamPort, method, full, req.headers, body);
          }
        } else if (answer.status === 500 && problem?.type?.includes("VIOLATIONS")) {
          // --errors turns an invalid answer of the fake into a 500. A documented deviation of a
          // GET is fetched again directly (reads have no side effect); anything else stays a 500.
          const violations = problem.validation ?? [];
          exchange.responseViolations = violations;
          if (
            method === "GET" &&
            violations.length > 0 &&
            violations.every((v) => isDocumented(exchange.operation, v))
          ) {
            exchange.deviations = violations;
            exchange.responseViolations = [];
            answer = await forward(this.upstreamPort, method, full, req.headers, body);
          }
        } else if (answer.status === 404 && problem?.type?.includes("NO_PATH_MATCHED")) {
          exchange.requestViolations = [
            {
              location: ["path"],
              severity: "Error",
              message: `no operation of the document matches ${method} ${pathOnly}`,
            },
          ];
        }
        const header = answer.headers["sl-violations"];
        if (typeof header === "string") {
          exchange.responseViolations.push(...(JSON.parse(header) as Violation[]));
        }
        exchange.status = answer.status;
        const headers = { ...answer.headers };
        delete headers["sl-violations"];
        delete headers["transfer-encoding"];
        headers["content-length"] = String(answer.body.length);
        res.writeHead(answer.status, headers);
        res.end(answer.body);
      })().catch((error: unknown) => {
        res.writeHead(502);
        res.end(String(error));
      });
    });
    this.url = `http://127.0.0.1:${await listen(this.hop)}`;
  }

  async stop(): Promise<void> {
    if (this.hop) {
      this.hop.closeAllConnections();
      await new Promise<void>((resolve) => this.hop!.close(() => resolve()));
    }
    if (this.prism && this.prism.exitCode === null) {
      this.prism.removeAllListeners("exit");
      const exited = new Promise<void>((resolve) => this.prism!.on("exit", () => resolve()));
      this.prism.kill("SIGTERM");
      await exited;
    }
  }
}
