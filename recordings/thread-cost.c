// What a native thread costs, measured the way step 2 measures its Workers: the time from
// "create a thread" to "the thread runs", and the memory a live, idle thread adds to the process.
//
// `npm run threads:record` compiles this file with the system C compiler into a temporary
// directory (no binary is committed), runs it beside step 2, and records both in
// recordings/thread-cost.json. Usage: thread-cost <live threads> <sequential starts>.
// It prints one JSON object on stdout.
//
// - Start time: pthread_create, then the new thread reads the clock as its first act. That is the
//   native counterpart of step 2's `new Worker(...)` → 'online' (the thread runs its first line).
//   Measured one at a time (create, join, next) and all at once (N created back to back).
// - Memory: VmRSS from /proc/self/status before and while N threads are alive and parked on a
//   condition variable (as step 2's threads are parked in Atomics.wait). VmSize shows what each
//   thread *reserves* (its stack mapping); VmRSS what it actually touches. Kernel-side structures
//   (task struct, kernel stack) are in neither, for C and for Node alike.

#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/** A line of /proc/self/status ("VmRSS:", "VmSize:"), in bytes. */
static long status_bytes(const char *key) {
  FILE *f = fopen("/proc/self/status", "r");
  if (f == NULL) return -1;
  char line[256];
  long kib = -1;
  size_t n = strlen(key);
  while (fgets(line, sizeof line, f) != NULL) {
    if (strncmp(line, key, n) == 0) {
      kib = strtol(line + n, NULL, 10);
      break;
    }
  }
  fclose(f);
  return kib < 0 ? -1 : kib * 1024;
}

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static int started = 0;
static int release_all = 0;

struct start { double created_at; double running_at; int park; };

static void *thread_main(void *arg) {
  struct start *s = arg;
  s->running_at = now_us(); // the first thing the thread does
  if (s->park) {
    pthread_mutex_lock(&lock);
    started++;
    pthread_cond_broadcast(&changed);
    while (!release_all) pthread_cond_wait(&changed, &lock); // parked, like Atomics.wait
    pthread_mutex_unlock(&lock);
  }
  return NULL;
}

static int by_value(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: thread-cost <live threads> <sequential starts>\n");
    return 2;
  }
  int live = atoi(argv[1]), sequential = atoi(argv[2]);
  if (live < 1 || live > 10000 || sequential < 1 || sequential > 100000) {
    fprintf(stderr, "thread-cost: counts out of range\n");
    return 2;
  }

  // All at once, first, so that VmSize starts with no thread stack mapped (glibc caches the stacks
  // of joined threads): `live` threads created back to back, each parked until all have started.
  long rss_before = status_bytes("VmRSS:");
  long vsz_before = status_bytes("VmSize:");
  struct start *starts = calloc(live, sizeof(struct start));
  pthread_t *threads = calloc(live, sizeof(pthread_t));
  for (int i = 0; i < live; i++) {
    starts[i].park = 1;
    starts[i].created_at = now_us();
    if (pthread_create(&threads[i], NULL, thread_main, &starts[i]) != 0) { perror("pthread_create"); return 1; }
  }
  pthread_mutex_lock(&lock);
  while (started < live) pthread_cond_wait(&changed, &lock);
  pthread_mutex_unlock(&lock);
  long rss_live = status_bytes("VmRSS:");
  long vsz_live = status_bytes("VmSize:");
  pthread_mutex_lock(&lock);
  release_all = 1;
  pthread_cond_broadcast(&changed);
  pthread_mutex_unlock(&lock);
  double burst_sum = 0;
  for (int i = 0; i < live; i++) {
    pthread_join(threads[i], NULL);
    burst_sum += starts[i].running_at - starts[i].created_at;
  }

  // One at a time: create, let it run, join, next. (These reuse the stacks glibc cached above.)
  double *one = calloc(sequential, sizeof(double));
  for (int i = 0; i < sequential; i++) {
    struct start s = { 0, 0, 0 };
    pthread_t t;
    s.created_at = now_us();
    if (pthread_create(&t, NULL, thread_main, &s) != 0) { perror("pthread_create"); return 1; }
    pthread_join(t, NULL);
    one[i] = s.running_at - s.created_at;
  }
  double one_sum = 0;
  for (int i = 0; i < sequential; i++) one_sum += one[i];
  qsort(one, sequential, sizeof(double), by_value);

  printf("{\"sequential\":{\"spawned\":%d,\"startUsAvg\":%.2f,\"startUsMedian\":%.2f},"
         "\"burst\":{\"spawned\":%d,\"startUsAvg\":%.2f},"
         "\"live\":{\"threads\":%d,\"idleRssBytes\":%ld,\"liveRssBytes\":%ld,"
         "\"idleVmSizeBytes\":%ld,\"liveVmSizeBytes\":%ld}}\n",
         sequential, one_sum / sequential, one[sequential / 2], live, burst_sum / live,
         live, rss_before, rss_live, vsz_before, vsz_live);
  return 0;
}
