// Prints the plain closing line CI reads — "N passed, N failed" (", N skipped" when any) — from
// vitest's JSON report. Exits 1 when the report is missing, so a run that never tested fails.
import { readFileSync } from 'node:fs';

const file = process.argv[2] ?? 'data/test-results.json';
let report;
try {
  report = JSON.parse(readFileSync(file, 'utf8'));
} catch (err) {
  console.log('0 passed, 1 failed');
  console.error(`test-summary: no vitest JSON report at ${file} (${err.message}); the test run did not finish`);
  process.exit(1);
}
const passed = report.numPassedTests ?? 0;
// Files that failed to load have no test entries: count each as one failure so they show.
const failedSuites = (report.testResults ?? []).filter((f) => f.status === 'failed' && (f.assertionResults ?? []).length === 0).length;
const failed = (report.numFailedTests ?? 0) + failedSuites;
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
