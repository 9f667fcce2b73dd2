// glibc interfaces that Swift's Glibc module does not export:
// - malloc tuning (mallopt);
// - renameat2(2) with RENAME_EXCHANGE (declared by glibc only under _GNU_SOURCE, which the
//   Glibc module is not built with), called through syscall(2) so no glibc version matters;
// - sync_file_range(2) (also _GNU_SOURCE only), likewise.
#include <malloc.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <errno.h>

#define CMALLOC_RENAME_NOREPLACE (1 << 0)
#define CMALLOC_RENAME_EXCHANGE (1 << 1)

/// renameat2(2): 0, or -1 with errno set (ENOSYS where the kernel lacks it, EINVAL where the
/// file system does not support the flags).
static inline int cmalloc_renameat2(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, unsigned int flags) {
#ifdef SYS_renameat2
    return (int)syscall(SYS_renameat2, olddirfd, oldpath, newdirfd, newpath, flags);
#else
    errno = ENOSYS;
    return -1;
#endif
}

#define CMALLOC_SYNC_FILE_RANGE_WRITE 2

/// sync_file_range(2): 0, or -1 with errno set. With CMALLOC_SYNC_FILE_RANGE_WRITE it starts
/// writeback of the range's dirty pages and returns without waiting for it.
static inline int cmalloc_sync_file_range(int fd, long long offset, long long length, unsigned int flags) {
#ifdef SYS_sync_file_range
    return (int)syscall(SYS_sync_file_range, fd, offset, length, flags);
#else
    errno = ENOSYS;
    return -1;
#endif
}
