-- wrk, paced: requests on a fixed schedule at a given rate, for the open-loop row of
-- `npm run bench:crosscheck` (bench/tools/crosscheck.ts). Run with one thread, the rate after `--`:
--
--   wrk -t1 -c20 -d5s --latency -s bench/cli/wrk-paced.lua http://127.0.0.1:PORT/50 -- 200
--
-- How wrk uses it (wrk 4.1, src/wrk.c and SCRIPTING): when a script defines `delay()`, wrk calls it
-- each time a connection is ready to send its next request (`socket_writeable` → `script_delay`),
-- and sends that request the returned number of milliseconds later (`aeCreateTimeEvent`; wrk reads
-- the number into a whole count of milliseconds, so a request may leave up to 1 ms before its
-- slot, never later for that reason). Each wrk thread has its own Lua state, so with one
-- thread this one schedule covers every connection: each call takes the next slot, start + i / rate,
-- and returns the time left until it (0 if it is already past). While a connection is free when
-- its slot comes, the requests leave on the schedule; wrk still times each one from when it was
-- written, after the delay (`c->start`), so what it reports is service time.
--
-- wrk's Lua has no clock finer than a second, so the script reads CLOCK_MONOTONIC (1 on Linux)
-- through LuaJIT's FFI, which wrk links (Debian's wrk depends on libluajit-5.1).

local ffi = require("ffi")
ffi.cdef([[
  typedef struct { long tv_sec; long tv_nsec; } paced_timespec;
  int clock_gettime(int clock_id, paced_timespec *tp);
]])

local CLOCK_MONOTONIC = 1
local now_ts = ffi.new("paced_timespec")

local function now_ms()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, now_ts)
  return tonumber(now_ts.tv_sec) * 1000 + tonumber(now_ts.tv_nsec) / 1e6
end

local interval_ms
local next_slot

function init(args)
  local rate = tonumber(args[1])
  if rate == nil or rate <= 0 then
    error("wrk-paced.lua: give the rate in requests per second after --, e.g. -- 200")
  end
  interval_ms = 1000 / rate
end

function delay()
  local now = now_ms()
  if next_slot == nil then
    next_slot = now
  end
  local wait = next_slot - now
  next_slot = next_slot + interval_ms
  if wait < 0 then
    return 0
  end
  return wait
end
