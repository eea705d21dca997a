package dev.eventcontracts.redis;

import io.lettuce.core.ScriptOutputType;

/**
 * The Lua script of {@link RedisEntityVersionStore}. Positions are stored as decimal strings and
 * compared as such, digit by digit: Redis's Lua turns numbers into doubles, which cannot hold every
 * {@code long} (beyond 2^53 two positions would compare equal).
 */
final class EntityScripts {

  /**
   * A Lua function {@code greater(a, b)}: whether the position written {@code a} is greater than
   * {@code b}, both decimal longs as {@link Long#toString(long)} writes them, compared as text so
   * no position is rounded through a Lua number.
   */
  private static final String GREATER =
      """
          local function greater(a, b)
            local aNegative = string.byte(a, 1) == 45
            local bNegative = string.byte(b, 1) == 45
            if aNegative ~= bNegative then
              return bNegative
            end
            local longer
            if #a ~= #b then
              longer = #a > #b
            else
              for i = 1, #a do
                local x, y = string.byte(a, i), string.byte(b, i)
                if x ~= y then
                  longer = x > y
                  break
                end
              end
              if longer == nil then
                return false
              end
            end
            if aNegative then
              return not longer
            end
            return longer
          end
          """;

  /**
   * Sets KEYS[1] to ARGV[1] (a position written by {@link Long#toString(long)}) when the key is
   * absent or holds a smaller position, with an expiry of ARGV[2] milliseconds unless that is 0;
   * returns 1 when it advanced, 0 when the stored position is equal or greater.
   */
  static final LuaScript ADVANCE =
      new LuaScript(
          "advance",
          GREATER
              + """
          local stored = redis.call('GET', KEYS[1])
          if stored and not greater(ARGV[1], stored) then
            return 0
          end
          if ARGV[2] == '0' then
            redis.call('SET', KEYS[1], ARGV[1])
          else
            redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
          end
          return 1
          """,
          ScriptOutputType.INTEGER);

  /**
   * {@link #ADVANCE} for every key in KEYS in one call: KEYS[i] to ARGV[i], with the expiry of
   * ARGV[#KEYS + 1] milliseconds unless that is 0; returns one letter per key, 1 when it advanced,
   * 0 when the stored position is equal or greater.
   */
  static final LuaScript ADVANCE_ALL =
      new LuaScript(
          "advanceAll",
          GREATER
              + """
          local expiry = ARGV[#KEYS + 1]
          local answers = {}
          for i, key in ipairs(KEYS) do
            local stored = redis.call('GET', key)
            if stored and not greater(ARGV[i], stored) then
              answers[i] = '0'
            else
              if expiry == '0' then
                redis.call('SET', key, ARGV[i])
              else
                redis.call('SET', key, ARGV[i], 'PX', expiry)
              end
              answers[i] = '1'
            end
          end
          return table.concat(answers)
          """,
          ScriptOutputType.VALUE);

  private EntityScripts() {}
}
