package dev.eventcontracts.redis;

import io.lettuce.core.ScriptOutputType;

/**
 * The Lua scripts of {@link RedisDedupStore}. A record is a string {@code P|owner} (claimed, in
 * progress) or {@code C|owner} (completed), with a server-side expiry ({@code PX}): the lease or
 * the retention. Each script runs atomically on the server, so no other command interleaves.
 */
final class DedupScripts {

  /** The state letters that {@link #CLAIM} returns, one per key. */
  static final char CLAIMED = 'N';

  static final char IN_PROGRESS = 'P';
  static final char COMPLETED = 'C';

  /**
   * Claims every key in KEYS for ARGV[1] (owner) with a lease of ARGV[2] milliseconds and returns
   * one letter per key: N when this call claimed it, C when it holds a completed record, P when
   * another live claim holds it. An absent key is one that was never claimed or whose lease or
   * retention expired. A value written by something else, even one of another type, counts as in
   * progress, so it is never overwritten and never fails the other keys of the call.
   */
  static final LuaScript CLAIM =
      new LuaScript(
          "claim",
          """
          local held = 'P|' .. ARGV[1]
          local states = {}
          for i, key in ipairs(KEYS) do
            if redis.call('SET', key, held, 'NX', 'PX', ARGV[2]) then
              states[i] = 'N'
            else
              local value = redis.pcall('GET', key)
              if type(value) == 'string' and string.sub(value, 1, 2) == 'C|' then
                states[i] = 'C'
              else
                states[i] = 'P'
              end
            end
          end
          return table.concat(states)
          """,
          ScriptOutputType.VALUE);

  /**
   * Completes KEYS[1] for ARGV[1] (owner), keeping the record ARGV[2] milliseconds, when the owner
   * holds the claim, completed it before (with or without a fingerprint), or nobody holds the key
   * (the lease expired while the handler ran and nobody took it over); returns 1 when it wrote, 0
   * when another owner holds it. With ARGV[3] (a fingerprint: 16 hex digits), the completed record
   * is {@code C|owner#fingerprint}.
   */
  static final LuaScript COMPLETE =
      new LuaScript(
          "complete",
          """
          local value = redis.call('GET', KEYS[1])
          local mine = 'C|' .. ARGV[1]
          if (not value) or value == 'P|' .. ARGV[1] or value == mine
              or (type(value) == 'string' and #value == #mine + 17
                  and string.sub(value, 1, #mine + 1) == mine .. '#') then
            if ARGV[3] then
              redis.call('SET', KEYS[1], mine .. '#' .. ARGV[3], 'PX', ARGV[2])
            else
              redis.call('SET', KEYS[1], mine, 'PX', ARGV[2])
            end
            return 1
          end
          return 0
          """,
          ScriptOutputType.INTEGER);

  /**
   * {@link #COMPLETE} for every key in KEYS, in one call: the same rule per key; ARGV[2 + i], when
   * present, is the fingerprint kept with KEYS[i]. Returns how many keys it wrote.
   */
  static final LuaScript COMPLETE_ALL =
      new LuaScript(
          "completeAll",
          """
          local held = 'P|' .. ARGV[1]
          local done = 'C|' .. ARGV[1]
          local written = 0
          for i, key in ipairs(KEYS) do
            local value = redis.call('GET', key)
            if (not value) or value == held or value == done
                or (type(value) == 'string' and #value == #done + 17
                    and string.sub(value, 1, #done + 1) == done .. '#') then
              local fingerprint = ARGV[2 + i]
              if fingerprint then
                redis.call('SET', key, done .. '#' .. fingerprint, 'PX', ARGV[2])
              else
                redis.call('SET', key, done, 'PX', ARGV[2])
              end
              written = written + 1
            end
          end
          return written
          """,
          ScriptOutputType.INTEGER);

  /**
   * Deletes every key in KEYS that ARGV[1] (owner) holds in progress and returns how many it
   * deleted; completed records and other owners' claims stay.
   */
  static final LuaScript RELEASE =
      new LuaScript(
          "release",
          """
          local held = 'P|' .. ARGV[1]
          local released = 0
          for _, key in ipairs(KEYS) do
            if redis.call('GET', key) == held then
              released = released + redis.call('DEL', key)
            end
          end
          return released
          """,
          ScriptOutputType.INTEGER);

  private DedupScripts() {}
}
