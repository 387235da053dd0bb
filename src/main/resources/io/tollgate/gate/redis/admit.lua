-- Takes one token from a customer's bucket and reserves units of its quota when both fit; takes nothing otherwise.
-- KEYS: 1 rate bucket (hash: tokens, ts, burst), 2 the quota's period counter, 3 the other period's counter
-- ARGV: 1 requests, 2 window seconds, 3 burst, 4 quota milli, 5 units milli, 6 seed of KEYS[2], 7 seed of KEYS[3],
--       8 TTL seconds of KEYS[2], 9 TTL seconds of KEYS[3], 10 dry run (1) or not (0), 11 lease wanted: requests
--       beyond this one to debit at once, granted only when the bucket and the quota stay at least 10 % full after
-- Returns {rate allowed, tokens left, retry ms, ms until full, quota allowed (-1: not checked), units used milli,
--          lease granted (requests of ARGV[5] units each)}
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local burst = tonumber(ARGV[3])
local per_us = tonumber(ARGV[1]) / (tonumber(ARGV[2]) * 1000000)
local b = redis.call('HMGET', KEYS[1], 'tokens', 'ts', 'burst')
local tokens, ts, old = tonumber(b[1]), tonumber(b[2]), tonumber(b[3])
if tokens == nil then tokens, ts, old = burst, now, burst end
tokens = tokens + (burst - old)
if now > ts then tokens = tokens + (now - ts) * per_us end
if tokens > burst then tokens = burst end
local function full_ms(v) return math.ceil((burst - v) / per_us / 1000) end
if tokens < 1 then
  return {0, 0, math.ceil((1 - tokens) / per_us / 1000), full_ms(tokens), -1, 0, 0}
end
redis.call('SET', KEYS[2], ARGV[6], 'NX', 'EX', ARGV[8])
redis.call('SET', KEYS[3], ARGV[7], 'NX', 'EX', ARGV[9])
local used = tonumber(redis.call('GET', KEYS[2]))
local units = tonumber(ARGV[5])
local fits = units <= tonumber(ARGV[4]) - used
if ARGV[10] == '1' or not fits then
  return {1, math.floor(tokens), 0, full_ms(tokens), fits and 1 or 0, used, 0}
end
local quota = tonumber(ARGV[4])
local lease = tonumber(ARGV[11])
if tokens - 1 - lease < burst * 0.1 or quota - used - units * (1 + lease) < quota * 0.1 then lease = 0 end
tokens = tokens - 1 - lease
redis.call('HSET', KEYS[1], 'tokens', string.format('%.6f', tokens), 'ts', string.format('%d', now), 'burst', burst)
redis.call('PEXPIRE', KEYS[1], full_ms(tokens) + 1000)
local debit = string.format('%d', units * (1 + lease))
used = redis.call('INCRBY', KEYS[2], debit)
redis.call('INCRBY', KEYS[3], debit)
return {1, math.floor(tokens), 0, full_ms(tokens), 1, used, lease}
