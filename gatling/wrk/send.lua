-- wrk script: one API send per request to a random user <PREFIX>0..<USERS>-1, with the send
-- time in the data ({"ts": epoch ms}) so the receivers (io.pushgate.load.PushReceivers) measure
-- end-to-end latency. Environment: PREFIX, USERS, QOS (0|1), and optionally RATE_PER_CONN
-- (requests/s per connection; unset = as fast as possible, a closed model) and RECIPIENTS
-- (users per request, default 1: consecutive users from a random start), or BATCH (messages per
-- request through POST messages:batch, each to its own random user; default 1: POST messages).
--   PREFIX=u USERS=1000 QOS=1 wrk -t1 -c64 -d60s -s gatling/wrk/send.lua http://127.0.0.1:8081
local ffi = require("ffi")
ffi.cdef[[
  typedef struct { long tv_sec; long tv_usec; } timeval;
  int gettimeofday(timeval *tv, void *tz);
]]
local tv = ffi.new("timeval")
local function now_ms()
  ffi.C.gettimeofday(tv, nil)
  return tonumber(tv.tv_sec) * 1000 + math.floor(tonumber(tv.tv_usec) / 1000)
end

local prefix = os.getenv("PREFIX") or "u"
local users = tonumber(os.getenv("USERS") or "1000")
local qos = os.getenv("QOS") or "1"
local rate = tonumber(os.getenv("RATE_PER_CONN") or "0")
local recipients = tonumber(os.getenv("RECIPIENTS") or "1")
local batch = tonumber(os.getenv("BATCH") or "1")
local headers = { ["Authorization"] = "Bearer demo-api-key", ["Content-Type"] = "application/json" }

function init(args)
  math.randomseed(os.time() + (tonumber(tostring({}):sub(8), 16) or 0))
end

function delay()
  if rate > 0 then return 1000 / rate end
  return 0
end

function request()
  if batch > 1 then
    local messages = {}
    local ts = now_ms()
    for i = 1, batch do
      messages[i] = '{"to":["' .. prefix .. math.random(0, users - 1) .. '"],"qos":' .. qos .. ',"data":{"ts":' .. ts .. '}}'
    end
    return wrk.format("POST", "/v1/apps/demo/messages:batch", headers, '{"messages":[' .. table.concat(messages, ",") .. ']}')
  end
  local first = math.random(0, users - 1)
  local to = {}
  for i = 0, recipients - 1 do to[#to + 1] = '"' .. prefix .. ((first + i) % users) .. '"' end
  local body = '{"to":[' .. table.concat(to, ",") .. '],"qos":' .. qos
    .. ',"data":{"ts":' .. now_ms() .. '}}'
  return wrk.format("POST", "/v1/apps/demo/messages", headers, body)
end

local statuses = {}
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  io.write(string.format("SENDER requests=%d rps=%.0f errors(connect,read,write,status,timeout)=%d,%d,%d,%d,%d latencyMs p50=%.1f p99=%.1f\n",
    summary.requests, summary.requests / (summary.duration / 1e6),
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.status, summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
