// Preloaded into a stage process by `make bench-offline` (node --import ./scripts/peak-rss.mjs):
// when the process exits, append its peak resident set size to the file named by PB_PEAK_RSS_FILE.
// process.resourceUsage().maxRSS is the kernel's ru_maxrss for this process, in KiB (Linux).
import { appendFileSync } from 'node:fs';

const file = process.env.PB_PEAK_RSS_FILE;
if (file) process.on('exit', () => appendFileSync(file, `${process.resourceUsage().maxRSS}\n`));
