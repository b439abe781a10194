/** Picking consumer:robot out of the Harbor stack's outputs (`harborRobot`), called directly. */
import * as assert from "node:assert/strict";
import { harborRobot } from "../config";
import { installMocks, isSecret, resolve } from "./harness";

const PULLER_DOCKER_CONFIG =
  '{"auths":{"harbor.example.com":{"username":"robot$puller","password":"S3cret","auth":"cm9ib3QkcHVsbGVyOlMzY3JldA=="}}}';

describe("harborRobot", function () {
  before(async function () {
    await installMocks([]);
  });

  it("returns the robot's user name and its .dockerconfigjson wrapped as a Pulumi secret", async function () {
    // The outputs as a StackReference hands them over when it applies no secret marking.
    const robot = harborRobot(
      "puller",
      "acme/harbor/prod",
      { puller: { name: "puller", username: "robot$puller" } },
      { puller: PULLER_DOCKER_CONFIG },
    );
    assert.equal(robot.username, "robot$puller");
    assert.equal(await isSecret(robot.dockerConfigJson), true);
    assert.equal(await resolve(robot.dockerConfigJson), PULLER_DOCKER_CONFIG);
  });

  it("refuses a robots entry without a user name", function () {
    assert.throws(
      () =>
        harborRobot(
          "ci.bot",
          "acme/harbor/prod",
          { "ci.bot": { name: "ci.bot" } },
          { "ci.bot": PULLER_DOCKER_CONFIG },
        ),
      {
        message:
          'consumer:robot "ci.bot": stack acme/harbor/prod exports no robots["ci.bot"].username; run `pulumi up` on that stack with a current version of the Harbor program',
      },
    );
  });
});
