/**
 * The fake Harbor (test/support/fixtures/fake-harbor.ts) through the same lifecycle cases the real Harbor
 * runs in `npm run test:harbor` (test/support/fixtures/harbor-lifecycle.ts): a differential test. A case
 * that passes against the real server and fails here means the fake has drifted from Harbor.
 */
import { FakeHarbor } from "../support/fixtures/fake-harbor";
import { LIFECYCLE, type HarborTarget } from "../support/fixtures/harbor-lifecycle";
import { ADMIN_PASSWORD } from "../support/fixtures/harbor-scenario";

describe("the fake Harbor agrees with the real one on every lifecycle case", function () {
  let fake: FakeHarbor;
  let target: HarborTarget;

  before(async function () {
    fake = new FakeHarbor({ adminPassword: ADMIN_PASSWORD, scanner: false });
    const url = await fake.start();
    target = {
      url,
      adminPassword: ADMIN_PASSWORD,
      addUser: (name) => Promise.resolve(void fake.users.add(name)),
      addLdapGroup: (dn, name) => Promise.resolve(void (fake.ldapGroups[dn.toLowerCase()] = name)),
      setScanner: (present) => Promise.resolve(void (fake.scanner = present)),
      ageRobot: (id, days) => Promise.resolve(fake.ageRobot(id, days)),
    };
  });
  after(async function () {
    await fake.stop();
  });

  for (const c of LIFECYCLE) {
    it(c.name, async function () {
      await c.run(target);
    });
  }
});
