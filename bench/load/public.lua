-- The public on Trace the Face (bench/load.sh), each request from its own
-- client address:
--   the gallery's first pages, some filtered by region   35 %
--   an entry's page (which carries the report form)      45 %
--   an entry's photo                                     15 %
--   "I have information": the report form sent            5 %
-- A report needs the form's stamp, one per form, at least a few seconds
-- old (a faster answer is taken for a bot): stamps are read from the entry
-- pages this thread received and sent once they are 4 s old. Until one
-- is, the gallery page is asked for instead.
-- The data file (first argument) defines `entries` (references and
-- photos), `regions` and `pages`.

package.path = (os.getenv("LOAD_LUA_DIR") or "bench/load") .. "/?.lua;" .. package.path
local common = require("common")

setup = common.setup
done = common.done
common.install_delay()

-- A double-submit CSRF token of our own (no session: the cookie and the
-- form field must agree, at least 32 characters).
local csrf = "loadtestloadtestloadtestloadtest0123456789"

-- Stamps waiting to be sent: { reference, stamp, time received }.
local stamps = {}
local first, last = 1, 0

local function urlencode(text)
   return (text:gsub("[^%w%-%._~]", function(c)
      return string.format("%%%02X", string.byte(c))
   end))
end

function init(args)
   dofile(args[1])
   common.seed()
end

local function get(path)
   return wrk.format("GET", path, { ["X-Forwarded-For"] = common.client() })
end

local function gallery_page()
   local roll = math.random(1, 3)
   if roll == 1 then
      return get("/gallery")
   elseif roll == 2 then
      return get("/gallery?page=" .. common.pick(pages))
   else
      return get("/gallery?region=" .. common.pick(regions))
   end
end

local function report()
   local waiting = stamps[first]
   if waiting == nil or os.time() - waiting[3] < 4 then
      return nil
   end
   stamps[first] = nil
   first = first + 1
   local body = "csrf_token=" .. csrf .. "&stamp=" .. urlencode(waiting[2])
      .. "&message=Load+test%3A+I+saw+this+person+at+the+station&contact=&language=en"
   return wrk.format("POST", "/gallery/" .. waiting[1] .. "/reports", {
      ["X-Forwarded-For"] = common.client(),
      ["Cookie"] = "retrace_csrf=" .. csrf,
      ["Content-Type"] = "application/x-www-form-urlencoded",
   }, body)
end

function request()
   local roll = math.random(1, 100)
   if roll <= 35 then
      return gallery_page()
   elseif roll <= 80 then
      return get("/gallery/" .. common.pick(entries).reference)
   elseif roll <= 95 then
      return get("/gallery/photos/" .. common.pick(entries).photo .. ".jpg")
   else
      return report() or gallery_page()
   end
end

function response(status, headers, body)
   common.count(status)
   if status == 200 and body ~= nil then
      local reference = body:match('action="/gallery/([^/"]+)/reports"')
      local stamp = body:match('name="stamp" value="([^"]+)"')
      if reference ~= nil and stamp ~= nil then
         -- Keep a bounded queue: a few hundred stamps are plenty.
         if last - first < 500 then
            last = last + 1
            stamps[last] = { reference, stamp, os.time() }
         end
      end
   end
end
