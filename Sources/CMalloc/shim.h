#ifndef REPLICACACHE_CMALLOC_SHIM_H
#define REPLICACACHE_CMALLOC_SHIM_H

#include <stdlib.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

/* Hands the pages of malloc's free chunks back to the system (glibc only; elsewhere nothing). */
static inline void rc_release_free_heap_memory(void) {
#if defined(__GLIBC__)
    malloc_trim(0);
#endif
}

#endif
