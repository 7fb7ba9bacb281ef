/**
 * SQL LIKE as MLflow documents it: `%` any run of characters, `_` one character, the rest literal;
 * LIKE is case-sensitive, ILIKE is not. (MLflow's file store turns the pattern into a regex without escaping
 * it, so there `.` also matches any character; we follow the SQL store, where it is literal.)
 */
const cache = new Map<string, RegExp>();

export function likeToRegExp(pattern: string, ignoreCase: boolean): RegExp {
  const cacheKey = (ignoreCase ? 'i:' : 's:') + pattern;
  let re = cache.get(cacheKey);
  if (!re) {
    let source = '';
    for (const ch of pattern) {
      if (ch === '%') source += '[\\s\\S]*';
      else if (ch === '_') source += '[\\s\\S]';
      else source += ch.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
    }
    re = new RegExp(`^${source}$`, ignoreCase ? 'iu' : 'u');
    if (cache.size > 500) cache.clear();
    cache.set(cacheKey, re);
  }
  return re;
}
