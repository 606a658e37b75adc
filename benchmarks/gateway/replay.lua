-- wrk script: replay the workload's 16 subgraph requests in turn against the subgraphs
-- (their own ceiling). Environment: BENCH_REQUESTS (the TSV: path<TAB>body per line).
local requests = {}
for line in io.lines(os.getenv("BENCH_REQUESTS")) do
  local path, body = line:match("^([^\t]+)\t(.+)$")
  if path then
    table.insert(requests, wrk.format("POST", path, {["Content-Type"] = "application/json"}, body))
  end
end
local index = 0
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  bad = 0
end

function request()
  index = index % #requests + 1
  return requests[index]
end

function response(status, headers, body)
  if status ~= 200 or body:sub(1, 8) ~= '{"data":' then
    bad = bad + 1
  end
end

function done(summary, latency, requests_)
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
