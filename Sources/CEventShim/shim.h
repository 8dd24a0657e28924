#ifndef REPLICACACHE_CEVENTSHIM_H
#define REPLICACACHE_CEVENTSHIM_H

// Glibc's fd_set and timeval first, so this module's view of them matches SwiftGlibc's
// (otherwise a clean build fails: "__fds_bits ... is not present in definition of fd_set").
#include <sys/select.h>
#include <sys/time.h>
#include <event2/event.h>
#include <event2/thread.h>
#include <event2/util.h>

// Function-like libevent macros do not import into Swift; these wrappers carry their names.
static inline struct event *evtimer_new_shim(struct event_base *base, event_callback_fn callback, void *arg) {
    return evtimer_new(base, callback, arg);
}

static inline struct event *evsignal_new_shim(struct event_base *base, int signal, event_callback_fn callback, void *arg) {
    return evsignal_new(base, signal, callback, arg);
}

static inline int evtimer_add_shim(struct event *ev, const struct timeval *tv) {
    return evtimer_add(ev, tv);
}

#endif
