-- Caseworkers at work (bench/load.sh): every request is one of the signed-in
-- sessions the script prepared, chosen at random, doing one of
--   search the requests by a name            25 %
--   search the registrations by a name       10 %
--   open a request                           25 %
--   open a sought person (their candidates)  10 %
--   open a candidate                         15 %
--   save: assign a request (or take it back) 10 %
--   review a candidate (kept "proposed")      5 %
-- The data file (first argument) defines `sessions`: cookie, csrf, user,
-- requests, persons, candidates and names of one caseworker each.

package.path = (os.getenv("LOAD_LUA_DIR") or "bench/load") .. "/?.lua;" .. package.path
local common = require("common")

setup = common.setup
done = common.done
common.install_delay()

function init(args)
   dofile(args[1])
   common.seed()
end

local function urlencode(text)
   return (text:gsub("[^%w%-%._~]", function(c)
      return string.format("%%%02X", string.byte(c))
   end))
end

local function headers(session)
   return {
      ["Cookie"] = session.cookie,
      ["X-Forwarded-For"] = session.client,
   }
end

local function post(session, path, body)
   local h = headers(session)
   h["Content-Type"] = "application/x-www-form-urlencoded"
   return wrk.format("POST", path, h, "csrf_token=" .. session.csrf .. "&" .. body)
end

function request()
   local s = common.pick(sessions)
   local roll = math.random(1, 100)
   if roll <= 25 then
      return wrk.format("GET", "/requests?q=" .. urlencode(common.pick(s.names)), headers(s))
   elseif roll <= 35 then
      return wrk.format("GET", "/registrations?q=" .. urlencode(common.pick(s.names)), headers(s))
   elseif roll <= 60 then
      return wrk.format("GET", "/requests/" .. common.pick(s.requests), headers(s))
   elseif roll <= 70 then
      return wrk.format("GET", "/persons/" .. common.pick(s.persons), headers(s))
   elseif roll <= 85 then
      return wrk.format("GET", "/candidates/" .. common.pick(s.candidates), headers(s))
   elseif roll <= 95 then
      local assignee = ""
      if math.random(1, 2) == 1 then
         assignee = s.user
      end
      return post(s, "/requests/" .. common.pick(s.requests) .. "/assignment", "assignee=" .. assignee)
   else
      return post(s, "/candidates/" .. common.pick(s.candidates) .. "/review",
         "status=proposed&reason=" .. urlencode("load test: kept for review"))
   end
end

function response(status, headers, body)
   common.count(status)
end
