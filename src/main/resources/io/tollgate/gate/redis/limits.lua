-- One customer's shared limits: first applies what the calling node pays (its coalesced settlements and the rest of
-- its leases), then, unless ARGV[1] is 'settle', takes one rate token and reserves units of the quota when both fit
-- (nothing is taken when either refuses), with an optional lease of more requests.
-- What a run of a node (its process) has reserved and not settled yet is held in KEYS[4] under '<node>|<run>', with
-- an expiry (Redis time) that every call of that run renews. A run that stops calling (killed, cut off, restarted
-- as a new run) may have answered requests whose settlements it had not paid yet, so once its hold expires the
-- next call converts it: the held units are added to the settled counters (KEYS[2], KEYS[3]; pessimistic: the
-- unspent rest of its lease and its requests in flight count as used too) and remembered in KEYS[5] as converted
-- ('<node>|<run>:conv'). When that run calls again (it was only cut off), what it releases (ARGV[4]) is first
-- absorbed by its converted units, and the settled units it adds are reduced by as much, so nothing is counted
-- twice. KEYS[4] lives as long as the counters, so a hold nobody touches for a while is still converted.
-- A payment carries an id (ARGV[7], increasing per run; 0: none) that KEYS[5] remembers per run, so that a
-- payment sent again (its first call timed out or broke, and may or may not have run) is applied once.
-- A call carries a sequence (ARGV[8], increasing per node; 0: none) and the most the node can hold once its payment
-- is applied (ARGV[9]; -1: not known): what the answered calls hold plus what the calls in flight may reserve. A
-- call the node gave up on (timed out) that ran anyway may have reserved units the node does not know of, so when
-- no later call of the node has run, the node's held units are cut down to that most. A call made while none other
-- of the node's calls for the customer was in flight (ARGV[10] = 1) also marks every older call still to land as
-- one the node gave up on: such a call does nothing.
-- KEYS: 1 rate bucket (hash: tokens, ts, burst), 2 the quota's period counter (settled units), 3 the other period's
--       counter, 4 held reservations (hash: <node>|<run> = milli, <node>|<run>:exp = expiry in microseconds), 5
--       calls, per run of a node (hash: <node>|<run>:paid = last payment id applied, …:seq = highest call sequence
--       run, …:rec = sequence of the last call made with none other in flight, …:conv = held milli converted to
--       settled and not absorbed yet)
-- ARGV: 1 'admit' | 'settle', 2 node id and run ('<node>|<run>'), 3 hold TTL ms, 4 held milli to release, 5 tokens
--       to give back, 6 settled milli to add to KEYS[2] and KEYS[3] (when they exist), 7 payment id, 8 call
--       sequence, 9 most held milli after the payment (-1: not known), 10 no other call in flight (1) or not (0), 11
--       requests, 12 window seconds, 13 burst, 14 quota milli, 15 units milli, 16 seed of KEYS[2] (-1: none known),
--       17 seed of KEYS[3], 18 TTL seconds of KEYS[2], 19 TTL seconds of KEYS[3], 20 dry run (1) or not (0), 21
--       lease wanted: requests beyond this one to reserve at once, granted only when the bucket and the quota stay
--       at least 10 % full after
-- Returns {rate allowed, tokens left, retry ms, ms until full, quota allowed (-1: not checked; -2: a counter is
--          missing and no seed was given), units used and held milli, lease granted (requests of ARGV[15] units)}
--         ('settle': {1}); {-1} for a call the node gave up on (nothing done)
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local me = ARGV[2]
local hold_us = tonumber(ARGV[3]) * 1000
local calls_ttl_ms = 86400000

local seq = tonumber(ARGV[8])
local ran = 0
if seq > 0 then
  local c = redis.call('HMGET', KEYS[5], me .. ':rec', me .. ':seq')
  if seq < (tonumber(c[1]) or 0) then return {-1} end
  ran = tonumber(c[2]) or 0
  if seq > ran then redis.call('HSET', KEYS[5], me .. ':seq', ARGV[8]) end
  redis.call('PEXPIRE', KEYS[5], calls_ttl_ms)
end
local id = tonumber(ARGV[7])
local pay = id == 0
if id > 0 then
  if id > (tonumber(redis.call('HGET', KEYS[5], me .. ':paid')) or 0) then
    pay = true
    redis.call('HSET', KEYS[5], me .. ':paid', ARGV[7])
    redis.call('PEXPIRE', KEYS[5], calls_ttl_ms)
  end
end

local function add_settled(milli)
  if milli ~= 0 then
    for i = 2, 3 do
      if redis.call('EXISTS', KEYS[i]) == 1 and redis.call('INCRBY', KEYS[i], milli) < 0 then
        redis.call('SET', KEYS[i], 0, 'KEEPTTL')
      end
    end
  end
end

local h = redis.call('HGETALL', KEYS[4])
local amounts, expiries = {}, {}
for i = 1, #h, 2 do
  local f = h[i]
  if string.sub(f, -4) == ':exp' then expiries[string.sub(f, 1, -5)] = tonumber(h[i + 1])
  else amounts[f] = tonumber(h[i + 1]) end
end
local held = 0
for n, milli in pairs(amounts) do
  local exp = expiries[n]
  if exp == nil or exp <= now then
    redis.call('HDEL', KEYS[4], n, n .. ':exp')
    amounts[n] = nil
    if milli > 0 and redis.call('EXISTS', KEYS[2]) == 1 then
      add_settled(milli)
      redis.call('HINCRBY', KEYS[5], n .. ':conv', milli)
      redis.call('PEXPIRE', KEYS[5], calls_ttl_ms)
    end
  elseif n ~= me then
    held = held + milli
  end
end
local mine = amounts[me] or 0
if pay then
  local release = tonumber(ARGV[4])
  local settled = tonumber(ARGV[6])
  if release > 0 then
    local conv = tonumber(redis.call('HGET', KEYS[5], me .. ':conv')) or 0
    local absorbed = math.min(conv, release)
    if absorbed > 0 then
      if absorbed == conv then redis.call('HDEL', KEYS[5], me .. ':conv')
      else redis.call('HINCRBY', KEYS[5], me .. ':conv', -absorbed) end
      release = release - absorbed
      settled = settled - absorbed
    end
  end
  mine = math.max(0, mine - release)
  add_settled(settled)
  local back = tonumber(ARGV[5])
  if back > 0 then
    local b = redis.call('HMGET', KEYS[1], 'tokens', 'burst')
    if b[1] then
      redis.call('HSET', KEYS[1], 'tokens', string.format('%.6f', math.min(tonumber(b[1]) + back, tonumber(b[2]))))
    end
  end
end
local most = tonumber(ARGV[9])
if seq > 0 and most >= 0 and ran < seq then
  if mine > most then mine = most end
  if ARGV[10] == '1' then redis.call('HSET', KEYS[5], me .. ':rec', ARGV[8]) end
end
local function hold(milli)
  if milli > 0 then
    redis.call('HSET', KEYS[4], me, string.format('%d', milli), me .. ':exp', string.format('%d', now + hold_us))
    local keep = tonumber(ARGV[3]) * 2
    for i = 2, 3 do keep = math.max(keep, redis.call('PTTL', KEYS[i])) end
    redis.call('PEXPIRE', KEYS[4], keep)
  else
    redis.call('HDEL', KEYS[4], me, me .. ':exp')
  end
end
if ARGV[1] == 'settle' then
  hold(mine)
  return {1}
end

local burst = tonumber(ARGV[13])
local per_us = tonumber(ARGV[11]) / (tonumber(ARGV[12]) * 1000000)
local b = redis.call('HMGET', KEYS[1], 'tokens', 'ts', 'burst')
local tokens, ts, old = tonumber(b[1]), tonumber(b[2]), tonumber(b[3])
if tokens == nil then tokens, ts, old = burst, now, burst end
tokens = tokens + (burst - old)
if now > ts then tokens = tokens + (now - ts) * per_us end
if tokens > burst then tokens = burst end
local function full_ms(v) return math.ceil((burst - v) / per_us / 1000) end
if tokens < 1 then
  hold(mine)
  return {0, 0, math.ceil((1 - tokens) / per_us / 1000), full_ms(tokens), -1, 0, 0}
end
if tonumber(ARGV[16]) < 0 and (redis.call('EXISTS', KEYS[2]) == 0 or redis.call('EXISTS', KEYS[3]) == 0) then
  hold(mine)
  return {1, math.floor(tokens), 0, full_ms(tokens), -2, 0, 0}
end
if tonumber(ARGV[16]) >= 0 then
  redis.call('SET', KEYS[2], ARGV[16], 'NX', 'EX', ARGV[18])
  redis.call('SET', KEYS[3], ARGV[17], 'NX', 'EX', ARGV[19])
end
local used = tonumber(redis.call('GET', KEYS[2])) + held + mine
local units = tonumber(ARGV[15])
local quota = tonumber(ARGV[14])
local fits = units <= quota - used
if ARGV[20] == '1' or not fits then
  hold(mine)
  return {1, math.floor(tokens), 0, full_ms(tokens), fits and 1 or 0, used, 0}
end
local lease = tonumber(ARGV[21])
if tokens - 1 - lease < burst * 0.1 or quota - used - units * (1 + lease) < quota * 0.1 then lease = 0 end
tokens = tokens - 1 - lease
redis.call('HSET', KEYS[1], 'tokens', string.format('%.6f', tokens), 'ts', string.format('%d', now), 'burst', burst)
redis.call('PEXPIRE', KEYS[1], full_ms(tokens) + 1000)
local reserved = units * (1 + lease)
hold(mine + reserved)
return {1, math.floor(tokens), 0, full_ms(tokens), 1, used + reserved, lease}
