-- A node says it is alive and learns how many are: KEYS[1] is a sorted set of node ids scored by their last
-- heartbeat (Redis time, milliseconds); entries older than ARGV[2] ms are dropped. Returns the number of live nodes.
-- ARGV: 1 node id, 2 how long a heartbeat counts (ms)
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[2]))
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]) * 2)
return redis.call('ZCARD', KEYS[1])
