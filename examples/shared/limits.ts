// The limits every step enforces, in one place so that every step answers bad input the same way.
//
// A server that accepts input from strangers must bound everything a stranger controls: how big a
// request head may grow before we refuse it (431), how long a client may take to send it (408),
// and how much work one request may ask for (400 when out of range).

/** Request line + headers, in bytes. Bigger heads get 431 and the connection is closed. */
export const MAX_HEAD_BYTES = 8 * 1024

/** Default for `--header-timeout`: a request head must be complete this long after we start waiting for it. */
export const DEFAULT_HEADER_TIMEOUT_MS = 10_000

/** `GET /<ms>` accepts 0..MAX_SLEEP_MS. */
export const MAX_SLEEP_MS = 10_000

/** `GET /cpu/<n>` accepts 1..MAX_CPU_ITERATIONS (about a second of hashing on a laptop core). */
export const MAX_CPU_ITERATIONS = 1_000_000_000

/** `GET /await/<n>` and `GET /await-yield/<n>` (step 3) accept 1..MAX_AWAIT_ROUNDS. */
export const MAX_AWAIT_ROUNDS = 100_000_000

/**
 * While a request is being served, a client may pipeline more requests behind it. We buffer them,
 * but once this many unparsed bytes are waiting we stop reading the socket until we catch up.
 */
export const MAX_PIPELINE_BUFFER_BYTES = 64 * 1024

/**
 * After we answer with an error and close, we keep reading (and discarding) for this long, so the
 * kernel does not reset the connection and destroy our answer before the client reads it.
 */
export const LINGER_MS = 2_000
