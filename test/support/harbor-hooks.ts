/** Root hooks of `npm run test:harbor`: the shared Harbor stops once every file has run. */
import { stopSharedBox } from "./harbor-box";

export const mochaHooks = {
  async afterAll(this: { timeout(ms: number): void }) {
    this.timeout(120000);
    await stopSharedBox();
  },
};
