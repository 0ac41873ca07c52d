-- Signed inbox POSTs for wrk: each thread cycles through its own file of pre-signed activities
-- (written by `Serverless.LoadTests fed-sign`, see Federation/InboxActivitySigner.cs).
--
--   wrk -t2 -c8 -d20s -s inbox.lua http://127.0.0.1:PORT/inbox -- PREFIX [USER_AGENT]
--
-- Thread n reads PREFIX.n.tsv: a first line "#<TAB>host<TAB>path", then one request a line,
-- "date<TAB>digest<TAB>signature<TAB>body". The requests are formatted once, before the run.
-- When a thread has sent its whole file it starts again from the top: those requests repeat
-- activities the server already has (duplicates); done() reports how many there were.

local threads = {}
local started = 0

function setup(thread)
  thread:set("tid", started)
  started = started + 1
  table.insert(threads, thread)
end

function init(args)
  local prefix = args[1]
  local user_agent = args[2] or "serverless-loadtest"
  local file = prefix .. "." .. tid .. ".tsv"
  local host, path
  signed = {}
  sent = 0
  for line in io.lines(file) do
    if host == nil then
      host, path = line:match("^#\t([^\t]+)\t([^\t]+)$")
      assert(host, file .. ": the first line names no host and path")
    else
      local date, digest, signature, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
      signed[#signed + 1] = wrk.format("POST", path, {
        ["Host"] = host,
        ["Date"] = date,
        ["Digest"] = digest,
        ["Signature"] = signature,
        ["Content-Type"] = "application/activity+json",
        ["User-Agent"] = user_agent,
      }, body)
    end
  end
  pool = #signed
  assert(pool > 0, file .. " has no requests")
end

function request()
  sent = sent + 1
  return signed[((sent - 1) % pool) + 1]
end

function done(summary, latency, requests)
  local total_sent, total_pool, repeated = 0, 0, 0
  for _, thread in ipairs(threads) do
    local s, p = thread:get("sent"), thread:get("pool")
    total_sent = total_sent + s
    total_pool = total_pool + p
    if s > p then repeated = repeated + (s - p) end
  end
  io.write(string.format("Pool: %d pre-signed activities, %d requests made, %d beyond the pool (repeats)\n", total_pool, total_sent, repeated))
end
