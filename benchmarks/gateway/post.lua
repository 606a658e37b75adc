-- wrk script: POST the workload's query, report percentiles as JSON.
-- Environment: BENCH_BODY (file with the request body); with BENCH_CHECK_BODIES=1 every
-- response's status and length (BENCH_EXPECTED_LENGTH bytes) is checked too, which costs
-- the load generator CPU (wrk then hands each body to Lua). Without it wrk still counts
-- every non-2xx status, and the runner compares sample bodies byte for byte.
local body_file = assert(io.open(os.getenv("BENCH_BODY"), "rb"))
wrk.method = "POST"
wrk.body = body_file:read("*a")
body_file:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json"

local expected_length = tonumber(os.getenv("BENCH_EXPECTED_LENGTH"))
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  bad = 0
end

if os.getenv("BENCH_CHECK_BODIES") == "1" then
  function response(status, headers, body)
    if status ~= 200 or #body ~= expected_length then
      bad = bad + 1
    end
  end
end

function done(summary, latency, requests)
  local wrong = 0
  for _, thread in ipairs(threads) do
    wrong = wrong + thread:get("bad")
  end
  io.write(string.format(
    'BENCH_RESULT {"requests": %d, "duration_us": %d, "wrong": %d, ' ..
    '"connect_errors": %d, "read_errors": %d, "timeouts": %d, "status_errors": %d, ' ..
    '"p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, wrong,
    summary.errors.connect, summary.errors.read, summary.errors.timeout, summary.errors.status,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
