-- Shared by the wrk scripts of bench/load.sh: reading the data file the
-- script wrote, the client addresses, and counting answers by status.
--
-- wrk runs one Lua state per thread: `setup` (main state) keeps every
-- thread so that `done` can add up what each thread counted.

local common = {}

local threads = {}

function common.setup(thread)
   table.insert(threads, thread)
   thread:set("thread_id", #threads)
end

-- Each thread its own random sequence (the thread id comes from `setup`).
function common.seed()
   math.randomseed(os.time() * 1000 + (thread_id or 0))
end

-- A client address from 10.0.0.0/8, sent as X-Forwarded-For (retrace runs
-- with trusted_proxies = ["127.0.0.1"] for the load test): every visitor
-- has its own per-client limits, as behind a real proxy.
function common.client()
   return string.format("10.%d.%d.%d", math.random(0, 255), math.random(0, 255), math.random(1, 254))
end

function common.pick(list)
   return list[math.random(1, #list)]
end

-- Answers by status, per thread (read by `done` through thread:get).
statuses = {}

function common.count(status)
   statuses[status] = (statuses[status] or 0) + 1
end

-- Prints the answers by status and one RESULT line bench/load.sh reads.
-- An error is a socket error (connect, read, write, timeout) or an answer
-- of 400 or more: every request of the scenarios expects 2xx or 3xx.
function common.done(summary, latency, requests)
   local by_status = {}
   for _, thread in ipairs(threads) do
      local counted = thread:get("statuses")
      for status, n in pairs(counted) do
         by_status[status] = (by_status[status] or 0) + n
      end
   end
   local bad = 0
   local codes = {}
   for status, n in pairs(by_status) do
      table.insert(codes, status)
      if status >= 400 then
         bad = bad + n
      end
   end
   table.sort(codes)
   for _, status in ipairs(codes) do
      io.write(string.format("STATUS %d %d\n", status, by_status[status]))
   end
   local e = summary.errors
   local socket = e.connect + e.read + e.write + e.timeout
   io.write(string.format(
      "RESULT requests=%d duration_us=%d p50_us=%d p99_us=%d max_us=%d status_errors=%d socket_errors=%d connect=%d read=%d write=%d timeout=%d\n",
      summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
      latency.max, bad, socket, e.connect, e.read, e.write, e.timeout))
end

-- A pause before each request of a connection, in milliseconds
-- (LOAD_DELAY_MS, for the soak's constant moderate load); none by default.
local pause = tonumber(os.getenv("LOAD_DELAY_MS") or "")

function common.install_delay()
   if pause ~= nil and pause > 0 then
      delay = function()
         return pause
      end
   end
end

return common
