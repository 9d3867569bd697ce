// glibc's malloc serves a block above its mmap threshold (128 kB at start) with a fresh mmap, and
// gives the free space at the top of its heap back to the system once it exceeds the trim
// threshold; freeing an mmapped block raises both thresholds to that block's size (and twice
// it), up to 32 MB. A traffic request of a week of minutes allocates buffers of 0.7-0.9 MB (the
// form body, its decoded bytes, the answer) and frees them when V8 collects them, so whether each
// request's buffers are faulted in afresh (page faults, kernel time) depended on what the process
// had done before: the executable after 750 requests of a day of minutes spent 510-570 minor
// faults and 5.4-5.7 ms of kernel time a 10,080-row request in that state; with the thresholds
// raised, 2-48 faults and 0.45-0.9 ms
// (docs/traffic.md § Issue 18 part 5: malloc's thresholds raised at the start (2026-12-07, session 10)).
// One block of MALLOC_SETTLE_BYTES allocated and freed at the start raises the thresholds once,
// above any buffer a request makes; the price is that malloc may keep up to twice that of freed
// memory instead of giving it back (a few MB more resident in the runs measured).
/** Above the largest per-request buffer of the traffic API, below glibc's 32 MB ceiling. */
const MALLOC_SETTLE_BYTES = 16 << 20;

/** Allocates a block that malloc mmaps and drops it: V8 frees it at its next collection. */
export function settleMallocThresholds(): void {
  Buffer.allocUnsafeSlow(MALLOC_SETTLE_BYTES);
}
