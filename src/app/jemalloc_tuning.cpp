// jemalloc settings built into the sluice binary (compiled only when it links jemalloc).
//
// jemalloc reads `malloc_conf` once at start-up and then the MALLOC_CONF environment variable,
// which wins: an operator can still change or undo any of this without a rebuild.
//
// tcache_max:131072 -- each thread caches freed blocks up to 128 KiB, not jemalloc's default 32 KiB.
// librdkafka's broker thread allocates and frees a buffer of about 68 KiB for every produce request
// (the compressed batch). Above the cache limit each of those frees went back to the arena, which
// purged it with madvise(MADV_DONTNEED), and the next request took page faults to touch it again:
// one madvise per request, about a tenth of sluice's CPU at 250 k events/s. With the larger cache
// the madvise calls fall eightfold and CPU per event by 10-17 %, for about 2 MiB more RSS
// (BENCHMARKS.md, "2026-12-06 (session 5)").

extern "C" {
// The name and type are jemalloc's interface (jemalloc.h: `extern const char *malloc_conf;`).
extern const char* malloc_conf;
const char* malloc_conf = "tcache_max:131072";
}
