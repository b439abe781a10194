/**
 * lib/chart.ts: names the chart derives from the release name, version ordering, and the image
 * references an air-gapped site copies to its mirror.
 */
import * as assert from "node:assert/strict";
import { chartFullname, compareVersions } from "../../config/facts";
import { chartClaimNames, fullImageRef, mirrorImage, stackImages } from "../../lib/chart";

describe("lib/chart.ts", () => {
  it("derives the chart's fullname and claim names from the release name", () => {
    assert.equal(chartFullname("harbor"), "harbor");
    assert.equal(chartFullname("registry"), "registry-harbor");
    assert.deepEqual(chartClaimNames("registry"), {
      registry: "registry-harbor-registry",
      jobservice: "registry-harbor-jobservice",
      database: "database-data-registry-harbor-database-0",
      redis: "data-registry-harbor-redis-0",
      trivy: "data-registry-harbor-trivy-0",
    });
  });

  it("orders versions numerically, not as text", () => {
    assert.ok(compareVersions("1.19.1", "1.9.9") > 0);
    assert.ok(compareVersions("1.17.0", "1.18.0") < 0);
    assert.equal(compareVersions("1.18", "1.18.0"), 0);
  });

  it("spells out the registry of short image references", () => {
    assert.equal(fullImageRef("busybox:1.37.0"), "docker.io/library/busybox:1.37.0");
    assert.equal(
      fullImageRef("rancher/local-path-provisioner:v0.0.37"),
      "docker.io/rancher/local-path-provisioner:v0.0.37",
    );
    assert.equal(
      fullImageRef("registry.k8s.io/sig-storage/nfsplugin:v4.13.4"),
      "registry.k8s.io/sig-storage/nfsplugin:v4.13.4",
    );
    assert.equal(fullImageRef("localhost/tools/busybox:1"), "localhost/tools/busybox:1");
    assert.equal(fullImageRef("mirror.lan:5000/busybox:1"), "mirror.lan:5000/busybox:1");
  });

  it("rewrites an image to the mirror, keeping its path without the registry", () => {
    assert.equal(mirrorImage("busybox:1.37.0", undefined), "busybox:1.37.0");
    assert.equal(mirrorImage("busybox:1.37.0", "mirror.lan"), "mirror.lan/library/busybox:1.37.0");
    assert.equal(
      mirrorImage("docker.io/goharbor/harbor-core:v2.15.1", "mirror.lan/harbor"),
      "mirror.lan/harbor/goharbor/harbor-core:v2.15.1",
    );
    assert.equal(
      mirrorImage("registry.k8s.io/sig-storage/csi-resizer:v2.2.0", "mirror.lan"),
      "mirror.lan/sig-storage/csi-resizer:v2.2.0",
    );
  });

  it("lists each image once, in order, with where the cluster pulls it", () => {
    const sources = [
      "docker.io/goharbor/harbor-core:v2.15.1",
      "docker.io/library/busybox:1.37.0",
      "busybox:1.37.0",
    ];
    assert.deepEqual(stackImages(sources, undefined), [
      {
        source: "docker.io/goharbor/harbor-core:v2.15.1",
        mirror: "docker.io/goharbor/harbor-core:v2.15.1",
      },
      { source: "docker.io/library/busybox:1.37.0", mirror: "docker.io/library/busybox:1.37.0" },
    ]);
    assert.deepEqual(stackImages(sources, "mirror.lan"), [
      {
        source: "docker.io/goharbor/harbor-core:v2.15.1",
        mirror: "mirror.lan/goharbor/harbor-core:v2.15.1",
      },
      { source: "docker.io/library/busybox:1.37.0", mirror: "mirror.lan/library/busybox:1.37.0" },
    ]);
  });
});
