#ifdef __linux__
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* dladdr, REG_RIP */
#endif
#endif
#include <lmdb.h>

#ifdef __linux__
#include <dlfcn.h>
#include <ucontext.h>

/* The load address of the shared object whose code holds `address`, or NULL: lets a fault
   handler tell a fault inside liblmdb from any other. */
static inline void *registry_object_base(const void *address) {
    Dl_info info;
    return dladdr(address, &info) ? info.dli_fbase : (void *)0;
}

/* The faulting instruction's address in a signal handler's context, or 0 where unknown. */
static inline unsigned long registry_program_counter(void *context) {
    ucontext_t *uc = (ucontext_t *)context;
#if defined(__x86_64__)
    return (unsigned long)uc->uc_mcontext.gregs[REG_RIP];
#elif defined(__aarch64__)
    return (unsigned long)uc->uc_mcontext.pc;
#else
    (void)uc;
    return 0;
#endif
}
#endif
