#!/usr/bin/env bash
# The whole test suite. Ends with one line `N passed, N failed` (what CI reads).
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || { echo "0 passed, 1 failed"; exit 1; }
# vitest strips types without checking them: the tests are type-checked here
npx tsc -p tsconfig.test.json || { echo "the tests do not type-check"; echo "0 passed, 1 failed"; exit 1; }
mkdir -p build
rm -f build/vitest.json
npx vitest run --reporter=default --reporter=json --outputFile=build/vitest.json
status=$?
node -e '
  const fs = require("fs");
  let passed = 0, failed = 1;
  try {
    const r = JSON.parse(fs.readFileSync("build/vitest.json", "utf8"));
    passed = r.numPassedTests;
    failed = r.numFailedTests + (r.numTotalTestSuites > 0 && r.success === false && r.numFailedTests === 0 ? 1 : 0);
  } catch (e) { console.error("no vitest report: " + e.message); }
  console.log(`${passed} passed, ${failed} failed`);
'
exit $status
