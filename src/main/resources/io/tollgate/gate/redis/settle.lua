-- Settles a reservation: adds delta (negative: gives units back) to both period counters when they still exist,
-- never below zero, and gives ARGV[2] rate tokens back (a refused request's, a lease's unused), never beyond the burst.
-- KEYS: 1 month counter, 2 year counter, 3 rate bucket; ARGV: 1 delta milli, 2 tokens to give back
local d = tonumber(ARGV[1])
if d ~= 0 then
  for i = 1, 2 do
    if redis.call('EXISTS', KEYS[i]) == 1 and redis.call('INCRBY', KEYS[i], d) < 0 then
      redis.call('SET', KEYS[i], 0, 'KEEPTTL')
    end
  end
end
local n = tonumber(ARGV[2])
if n > 0 then
  local b = redis.call('HMGET', KEYS[3], 'tokens', 'burst')
  if b[1] then
    redis.call('HSET', KEYS[3], 'tokens', string.format('%.6f', math.min(tonumber(b[1]) + n, tonumber(b[2]))))
  end
end
return 1
