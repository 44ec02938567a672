/**
 * The network's state in Redis and the Lua scripts that change it. Every check-then-act (a name
 * claim, a join against capacity, reaping a dead node) is one script, so it is atomic however
 * many nodes race. Scripts build their key names themselves: this needs a single Redis (or a
 * replicated primary), not Redis Cluster.
 *
 * chat:users          hash  name in lower case -> name as spelled
 * chat:owners         hash  name in lower case -> id of the node the user is connected to
 * chat:node:ID:users  set   names (lower case) held by node ID, for reaping it
 * chat:nodes          set   ids of the nodes that have joined
 * chat:lease:ID       string with a TTL, refreshed while node ID is alive; holds the node's fencing
 *                     token, new after each lapse: what the publish script checks
 * chat:rooms          hash  room in lower case -> room as spelled by its creator
 * chat:members:ROOM   set   names (as spelled) of the room's members
 * chat:where          hash  name in lower case -> room in lower case
 * chat:transfer-id    counter of file transfer ids, unique across the network
 * chat:network        marker: this Redis holds the network's state (absent after an empty restart)
 * chat:recovery       set with a TTL: nodes that were alive when Redis lost the state and have not
 *                     re-registered yet; no name can be claimed while it exists
 * chat:store:NS:...   plugin stores (see redis-store.ts)
 * chat:account:NAME   hash  an account, NAME in lower case: name (as spelled), hash, role ('' for
 *                     none), mustChange (0/1), created (ms), v (a version, for compare-and-set)
 *                     and, with a network secret, mac (see account-seal.ts). Kept for good: only
 *                     a Redis that persists (appendonly yes) keeps accounts across a restart
 * chat:accounts       set   the account names (lower case), for listing them (redis-accounts.ts)
 * chat:server-bans    hash  target ('name:bob', 'address:10.0.0.0/24') -> JSON { ban, mac } with, under a
 *                     network secret, an HMAC (redis-bans.ts); expired ones dropped as read
 *
 * Channels: chat:ch:room:ROOM (a room's lines), chat:ch:node:ID (to one node), chat:ch:events
 * (what happened, for plugins' network-wide listeners).
 */
export const PREFIX = 'chat:';
export const roomChannel = (roomLower: string): string => `${PREFIX}ch:room:${roomLower}`;
export const nodeChannel = (node: string): string => `${PREFIX}ch:node:${node}`;
export const EVENTS_CHANNEL = `${PREFIX}ch:events`;

// Shared by the scripts below: record a name as held by a node; take a user out of their room
// (deleting it when it empties), or drop a user altogether (both return the room's spelling, or false).
const LIB = `
local P = '${PREFIX}'
local function hold_name(node, lower, name)
  redis.call('HSET', P..'users', lower, name)
  redis.call('HSET', P..'owners', lower, node)
  redis.call('SADD', P..'node:'..node..':users', lower)
end
local function leave_room(lower)
  local room = redis.call('HGET', P..'where', lower)
  if not room then return false end
  redis.call('HDEL', P..'where', lower)
  local set = P..'members:'..room
  redis.call('SREM', set, redis.call('HGET', P..'users', lower))
  local shown = redis.call('HGET', P..'rooms', room)
  if redis.call('SCARD', set) == 0 then redis.call('HDEL', P..'rooms', room) end
  return shown
end
local function drop_user(node, lower)
  local shown = leave_room(lower)
  redis.call('HDEL', P..'users', lower)
  redis.call('HDEL', P..'owners', lower)
  redis.call('SREM', P..'node:'..node..':users', lower)
  return shown
end
local function put_in_room(lower, name, room, shown, capacity)
  local set = P..'members:'..room
  if redis.call('SCARD', set) >= capacity then return false end
  redis.call('HSETNX', P..'rooms', room, shown)
  redis.call('SADD', set, name)
  redis.call('HSET', P..'where', lower, room)
  return true
end
`;

const script = (body: string) => `${LIB}\n${body}`;

export const Lua = {
  /**
   * ARGV node, lower, name -> {1, name}, {0, holder}, or {2} while Redis does not hold the
   * network's names (restarted empty, or re-registration still running): a free-looking name
   * may belong to a user connected to a node that has not re-registered yet.
   */
  claim: script(`
if redis.call('EXISTS', P..'network') == 0 or redis.call('EXISTS', P..'recovery') == 1 then return {2} end
local holder = redis.call('HGET', P..'users', ARGV[2])
if holder then return {0, holder} end
hold_name(ARGV[1], ARGV[2], ARGV[3])
return {1, ARGV[3]}`),

  /** ARGV node, lower: frees the name if this node holds it. */
  release: script(`
if redis.call('HGET', P..'owners', ARGV[2]) ~= ARGV[1] then return 0 end
drop_user(ARGV[1], ARGV[2])
return 1`),

  /** ARGV node, lower, name, room lower, room spelling, capacity -> {status, room, previous} */
  join: script(`
if redis.call('HGET', P..'owners', ARGV[2]) ~= ARGV[1] then return {'gone'} end
local current = redis.call('HGET', P..'where', ARGV[2])
if current == ARGV[4] then return {'already', redis.call('HGET', P..'rooms', ARGV[4])} end
local set = P..'members:'..ARGV[4]
if redis.call('SCARD', set) >= tonumber(ARGV[6]) then return {'full', redis.call('HGET', P..'rooms', ARGV[4])} end
local previous = ''
if current then previous = leave_room(ARGV[2]) or '' end
put_in_room(ARGV[2], ARGV[3], ARGV[4], ARGV[5], tonumber(ARGV[6]))
return {'ok', redis.call('HGET', P..'rooms', ARGV[4]), previous}`),

  /** ARGV node, lower -> the room left (as spelled), or false */
  leave: script(`
if redis.call('HGET', P..'owners', ARGV[2]) ~= ARGV[1] then return false end
return leave_room(ARGV[2])`),

  /** -> {room, count, room, count, ...} */
  rooms: script(`
local out = {}
local all = redis.call('HGETALL', P..'rooms')
for i = 1, #all, 2 do
  out[#out + 1] = all[i + 1]
  out[#out + 1] = redis.call('SCARD', P..'members:'..all[i])
end
return out`),

  /**
   * ARGV node, ttl ms, the highest transfer id the node has used, the node's token, a new
   * token, '1' if the node had joined before, recovery ms, then the nodes it last saw alive ->
   * {had, recovering, nodes alive...}: had is 1 if the lease was still there holding the token;
   * if not (it lapsed, or never existed) the lease holds the new token from now on.
   * The id counter is raised to what the node has used, so a Redis that restarted empty does not
   * hand out ids of transfers still running. A node that had joined and finds no network marker
   * knows Redis lost the state: it opens the recovery, awaiting itself and the nodes it saw alive.
   */
  lease: script(`
local key = P..'lease:'..ARGV[1]
local had = 0
if redis.call('GET', key) == ARGV[4] then had = 1 end
redis.call('SET', key, had == 1 and ARGV[4] or ARGV[5], 'PX', ARGV[2])
if tonumber(redis.call('GET', P..'transfer-id') or '0') < tonumber(ARGV[3]) then redis.call('SET', P..'transfer-id', ARGV[3]) end
redis.call('SADD', P..'nodes', ARGV[1])
local recovering = 0
if redis.call('SET', P..'network', '1', 'NX') and ARGV[6] == '1' then
  recovering = 1
  redis.call('SADD', P..'recovery', ARGV[1])
  for i = 8, #ARGV do redis.call('SADD', P..'recovery', ARGV[i]) end
  redis.call('PEXPIRE', P..'recovery', ARGV[7])
end
local out = {had, recovering}
for _, node in ipairs(redis.call('SMEMBERS', P..'nodes')) do
  if redis.call('EXISTS', P..'lease:'..node) == 1 then out[#out + 1] = node end
end
return out`),

  /** ARGV node, token, channel, data -> 1 once published, 0 (nothing sent) if the node's lease does not hold the token. */
  publish: script(`
if redis.call('GET', P..'lease:'..ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('PUBLISH', ARGV[3], ARGV[4])
return 1`),

  /**
   * ARGV node (the caller, never reaped) -> {node, name, room, ...} for every user of every node
   * whose lease has expired. SREM on the node set makes sure only one caller reaps each node.
   */
  reap: script(`
local out = {}
for _, node in ipairs(redis.call('SMEMBERS', P..'nodes')) do
  if node ~= ARGV[1] and redis.call('EXISTS', P..'lease:'..node) == 0 then
    redis.call('SREM', P..'nodes', node)
    local held = P..'node:'..node..':users'
    for _, lower in ipairs(redis.call('SMEMBERS', held)) do
      if redis.call('HGET', P..'owners', lower) == node then
        local name = redis.call('HGET', P..'users', lower)
        local room = drop_user(node, lower)
        out[#out + 1] = node
        out[#out + 1] = name
        out[#out + 1] = room or ''
      end
    end
    redis.call('DEL', held)
  end
end
return out`),

  /** ARGV node, then the names (lower case) the node has now -> {name, room, ...} of those dropped */
  prune: script(`
local keep = {}
for i = 2, #ARGV do keep[ARGV[i]] = true end
local out = {}
for _, lower in ipairs(redis.call('SMEMBERS', P..'node:'..ARGV[1]..':users')) do
  if not keep[lower] then
    if redis.call('HGET', P..'owners', lower) == ARGV[1] then
      local name = redis.call('HGET', P..'users', lower)
      local room = drop_user(ARGV[1], lower)
      out[#out + 1] = name
      out[#out + 1] = room or ''
    else
      redis.call('SREM', P..'node:'..ARGV[1]..':users', lower)
    end
  end
end
return out`),

  /**
   * Re-registration after Redis was away, for a batch of users (one round trip for many).
   * ARGV node, capacity, then for each user: lower, name, room lower ('' for none, '*' to leave
   * membership as it is), room spelling -> for each user 'ok', 'taken' (someone else holds the
   * name now) or 'full'.
   */
  register: script(`
local function register(node, lower, name, room, shown, capacity)
  local owner = redis.call('HGET', P..'owners', lower)
  if owner and owner ~= node then return 'taken' end
  hold_name(node, lower, name)
  if room == '*' then return 'ok' end
  local current = redis.call('HGET', P..'where', lower)
  if current == room then return 'ok' end
  if current then leave_room(lower) end
  if room == '' then return 'ok' end
  if put_in_room(lower, name, room, shown, capacity) then return 'ok' end
  return 'full'
end
local out = {}
for i = 3, #ARGV, 4 do out[#out + 1] = register(ARGV[1], ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], tonumber(ARGV[2])) end
return out`),

  /** ARGV node: a clean shutdown gives back the lease and everything the node still holds (and is awaited by no recovery). */
  leaveNetwork: script(`
for _, lower in ipairs(redis.call('SMEMBERS', P..'node:'..ARGV[1]..':users')) do
  if redis.call('HGET', P..'owners', lower) == ARGV[1] then drop_user(ARGV[1], lower) end
end
redis.call('DEL', P..'node:'..ARGV[1]..':users', P..'lease:'..ARGV[1])
redis.call('SREM', P..'nodes', ARGV[1])
redis.call('SREM', P..'recovery', ARGV[1])
return 1`),
} as const;

export type ScriptName = keyof typeof Lua;
