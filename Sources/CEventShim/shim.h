#ifndef REPLICACACHE_CEVENTSHIM_H
#define REPLICACACHE_CEVENTSHIM_H

// Glibc's fd_set and timeval first, so this module's view of them matches SwiftGlibc's
// (otherwise a clean build fails: "__fds_bits ... is not present in definition of fd_set").
#include <sys/select.h>
#include <sys/time.h>
#include <event2/event.h>
#include <event2/thread.h>
#include <event2/util.h>
#include <event2/http.h>
#include <event2/buffer.h>
#include <sys/socket.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>

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

// Socket calls whose glibc declarations differ with _GNU_SOURCE (transparent unions, accept4):
// Swift sees whichever variant the module that first included <sys/socket.h> chose, so the
// server calls these fixed signatures instead.
static inline int replicacache_accept(int fd) {
    return accept(fd, (struct sockaddr *)0, (socklen_t *)0);
}

// A non-blocking, close-on-exec eventfd: one counter that wakes a loop with one read to reset.
static inline int replicacache_wake_eventfd(void) {
    return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
}

// The calling thread's timer slack (prctl is variadic, which Swift cannot call): sleeps of this
// thread end at most this many nanoseconds late (the default allows 50 microseconds).
static inline int replicacache_set_timer_slack(unsigned long nanoseconds) {
    return prctl(PR_SET_TIMERSLACK, nanoseconds, 0, 0, 0);
}

static inline int replicacache_getsockname(int fd, struct sockaddr_storage *address, socklen_t *length) {
    return getsockname(fd, (struct sockaddr *)address, length);
}

static inline int replicacache_getpeername(int fd, struct sockaddr_storage *address, socklen_t *length) {
    return getpeername(fd, (struct sockaddr *)address, length);
}

#endif
