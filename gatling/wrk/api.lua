-- wrk script for ./bench api: one request per call, the same shape every time, so the node's CPU
-- per request is the cost of the API layer for that shape. Environment:
--   SHAPE  send (POST /v1/apps/demo/messages, QoS 0 to one of USERS offline users; default),
--          dispatch (GET /v1/dispatch?app=demo&user=...), alive (GET /alive, Pekko Management)
--   USERS  offline users the sends go to (default 100: their sessions stay warm)
--   CLOSE  1: every request carries Connection: close, so each one is a fresh connection
--   PREFIX user id prefix (default apiload-)
--   SHAPE=send CLOSE=1 wrk -t1 -c32 -d20s -s gatling/wrk/api.lua http://127.0.0.1:8081
local shape = os.getenv("SHAPE") or "send"
local users = tonumber(os.getenv("USERS") or "100")
local prefix = os.getenv("PREFIX") or "apiload-"
local close = os.getenv("CLOSE") == "1"

function init(args)
  math.randomseed(os.time() + (tonumber(tostring({}):sub(8), 16) or 0))
end

local function headers(h)
  if close then h["Connection"] = "close" end
  return h
end

function request()
  local user = prefix .. math.random(0, users - 1)
  if shape == "dispatch" then
    return wrk.format("GET", "/v1/dispatch?app=demo&user=" .. user, headers({ ["Authorization"] = "Bearer demo-api-key" }))
  elseif shape == "alive" then
    return wrk.format("GET", "/alive", headers({}))
  end
  return wrk.format("POST", "/v1/apps/demo/messages",
    headers({ ["Authorization"] = "Bearer demo-api-key", ["Content-Type"] = "application/json" }),
    '{"to":["' .. user .. '"],"qos":0,"data":{"n":1}}')
end

function done(summary, latency, requests)
  io.write(string.format("APILOAD shape=%s requests=%d rps=%.0f p50us=%d p99us=%d errors=%d non2xx=%d\n",
    shape, summary.requests, summary.requests / (summary.duration / 1e6), latency:percentile(50),
    latency:percentile(99), summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.timeout, summary.errors.status))
end
