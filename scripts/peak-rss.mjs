// Preloaded into a stage process by `make bench-offline` (node --import ./scripts/peak-rss.mjs):
// when the process exits, append its peak resident set size and CPU time to the file named by
// PB_PEAK_RSS_FILE: process.resourceUsage().maxRSS is the kernel's ru_maxrss for this process, in
// KiB (Linux); userCPUTime + systemCPUTime in µs, all threads (SQLite's work runs on the libuv pool).
import { appendFileSync } from 'node:fs';

const file = process.env.PB_PEAK_RSS_FILE;
if (file) process.on('exit', () => {
  const u = process.resourceUsage();
  appendFileSync(file, `${u.maxRSS} ${u.userCPUTime + u.systemCPUTime}\n`);
});
