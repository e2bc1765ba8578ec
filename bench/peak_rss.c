/* peak_rss FD PROGRAM [ARGS...]: runs PROGRAM, then writes
 * "<peak RSS in KiB> <wait status> <user CPU in µs> <system CPU in µs>" to
 * file descriptor FD and exits with PROGRAM's exit code (128 + signal if a
 * signal ended it).
 *
 * bench/run starts every benchmark through this small process: a child
 * forked straight from the Python runner would inherit the runner's RSS as
 * its high-water mark (the kernel keeps it across exec), so the peak would
 * never read below ~17 MiB.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: peak_rss FD PROGRAM [ARGS...]\n");
    return 125;
  }
  int report_fd = atoi(argv[1]);
  pid_t pid = fork();
  if (pid < 0) {
    perror("peak_rss: fork");
    return 125;
  }
  if (pid == 0) {
    close(report_fd);
    execvp(argv[2], argv + 2);
    perror(argv[2]);
    _exit(127);
  }
  int status = 0;
  struct rusage usage;
  if (wait4(pid, &status, 0, &usage) < 0) {
    perror("peak_rss: wait4");
    return 125;
  }
  dprintf(report_fd, "%ld %d %lld %lld\n", usage.ru_maxrss, status,
          (long long)usage.ru_utime.tv_sec * 1000000 + usage.ru_utime.tv_usec,
          (long long)usage.ru_stime.tv_sec * 1000000 + usage.ru_stime.tv_usec);
  close(report_fd);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}
