-- Records failures of one direction and entity.
-- KEYS[1]: hash of failures by home key; KEYS[2]: index sorted by last failure.
-- ARGV[1]: now in Unix milliseconds; then per failure five values:
-- home key, index member, code, message, run id.
local now = tonumber(ARGV[1])
for i = 2, #ARGV, 5 do
  local key = ARGV[i]
  local attempts, first = 0, now
  local old = redis.call('HGET', KEYS[1], key)
  if old then
    local ok, prev = pcall(cjson.decode, old)
    if ok and type(prev) == 'table' then
      attempts = tonumber(prev.attempts) or 0
      first = tonumber(prev.first) or now
    end
  end
  local entry = {code = ARGV[i + 2], message = ARGV[i + 3], run = ARGV[i + 4],
                 attempts = attempts + 1, first = first, last = now}
  redis.call('HSET', KEYS[1], key, cjson.encode(entry))
  redis.call('ZADD', KEYS[2], now, ARGV[i + 1])
end
return (#ARGV - 1) / 5
