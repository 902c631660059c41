#include <lmdb.h>

#ifdef __linux__
/* No _GNU_SOURCE here: it renames libc's fd_set member (fds_bits), and a Swift module that
   imports this module beside another C module (Dispatch, libxlsxwriter) then meets two
   definitions of fd_set and does not compile. The two GNU extensions needed are declared by
   hand: dladdr under its own C name, and the x86-64 program counter's register index. */
#include <ucontext.h>

typedef struct {
    const char *dli_fname;
    void *dli_fbase;
    const char *dli_sname;
    void *dli_saddr;
} registry_dl_info;

extern int registry_dladdr(const void *address, registry_dl_info *info) __asm__("dladdr");

/* The load address of the shared object whose code holds `address`, or NULL: lets a fault
   handler tell a fault inside liblmdb from any other. */
static inline void *registry_object_base(const void *address) {
    registry_dl_info info;
    return registry_dladdr(address, &info) ? info.dli_fbase : (void *)0;
}

/* The faulting instruction's address in a signal handler's context, or 0 where unknown. */
static inline unsigned long registry_program_counter(void *context) {
    ucontext_t *uc = (ucontext_t *)context;
#if defined(__x86_64__)
    return (unsigned long)uc->uc_mcontext.gregs[16]; /* REG_RIP */
#elif defined(__aarch64__)
    return (unsigned long)uc->uc_mcontext.pc;
#else
    (void)uc;
    return 0;
#endif
}
#endif
