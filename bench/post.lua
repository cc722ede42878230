-- wrk script (one thread): POSTs the enquiry forms bench/run.py prepared, each once, on all the connections.
-- Arguments: the file of forms (one a line: the CSRF cookie's value, a tab, the urlencoded body), the form's path
-- and the thank-you page's path. When a connection asks for a form after the last was sent, the thread writes
-- "done" on a line of its own and stops (that connection, and any other asking as it stops, sends the last form
-- again, a repeat, stored once):
-- bench/run.py then interrupts wrk, which writes one JSON line of figures, as report.lua does (latencies in
-- microseconds). The forms still in flight then are answered by the server, and stored, but not measured.

function init(args)
  local forms_file, path = args[1], args[2]
  thanks = args[3]
  forms = {}
  for line in io.lines(forms_file) do
    local secret, body = line:match("^([^\t]*)\t(.*)$")
    local headers = {}
    for name, value in pairs(wrk.headers) do
      headers[name] = value
    end
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    headers["Cookie"] = "csrftoken=" .. secret
    headers["Origin"] = "https://" .. wrk.headers["Host"]
    headers["Referer"] = "https://" .. wrk.headers["Host"] .. path
    forms[#forms + 1] = wrk.format("POST", path, headers, body)
  end
  verified, sent, unexpected = false, 0, 0
end

function request()
  if not verified then -- wrk's own check of the request, made once before the run: nothing is sent
    verified = true
    return forms[1]
  end
  if sent == #forms then
    io.write("done\n")
    io.flush()
    wrk.thread:stop()
    return forms[#forms]
  end
  sent = sent + 1
  return forms[sent]
end

function response(status, headers, body)
  local location = headers["Location"] or ""
  if status ~= 302 or location:sub(-#thanks) ~= thanks then
    unexpected = unexpected + 1
  end
end

function setup(thread)
  only_thread = thread
end

function done(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "errors": %d, "unexpected": %d, "sent": %d, ' ..
    '"p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, errors, only_thread:get("unexpected"), only_thread:get("sent"),
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
