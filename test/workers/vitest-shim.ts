/**
 * Stands in for `vitest` inside workerd (wrangler.contract.toml [alias]), so that a suite written
 * for vitest, the Store contract, runs there unchanged: it collects the suite's hooks and tests,
 * and `run()` runs them in order, reporting each one's outcome. `expect` is vitest's own
 * (@vitest/expect on chai), the matchers the suite uses behaving as under vitest.
 */
import { chai, JestAsymmetricMatchers, JestChaiExpect, JestExtend } from '@vitest/expect';

chai.use(JestExtend);
chai.use(JestChaiExpect);
chai.use(JestAsymmetricMatchers);

type Work = () => unknown;
const tests: { name: string; work: Work }[] = [];
const before: Work[] = [];
const after: Work[] = [];

export const expect = (value: unknown, message?: string) => chai.expect(value, message);
export const it = (name: string, work: Work) => void tests.push({ name, work });
export const beforeAll = (work: Work) => void before.push(work);
export const afterAll = (work: Work) => void after.push(work);
export const describe = (_name: string, body: () => void) => body();

export interface Outcome {
  name: string;
  ok: boolean;
  error?: string;
}

/** Runs what the suite registered: the hooks before, every test, the hooks after. */
export async function run(): Promise<Outcome[]> {
  for (const hook of before) await hook();
  const outcomes: Outcome[] = [];
  for (const test of tests) {
    try {
      await test.work();
      outcomes.push({ name: test.name, ok: true });
    } catch (error) {
      outcomes.push({ name: test.name, ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    }
  }
  for (const hook of after) await hook();
  return outcomes;
}
