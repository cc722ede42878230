"""
Django's Redis cache backend, keeping one redis-py client per connection pool, with a counter in one round trip.

Django's `RedisCacheClient.get_client()` makes a new `redis.Redis` for every cache call, and redis-py builds
a table of some 170 response callbacks in each one's constructor (redis/redis-py#3624): more CPU than the
call itself costs. The clients share the same connection pool either way, and a `redis.Redis` is safe to
share between threads, so one per pool does the same work for less. Everything else is Django's.
"""

from django.core.cache.backends import redis
from redis.commands.core import Script


class RedisCacheClient(redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


# Adds one to a count, which lives ARGV[1] seconds from its first. One Script for every client: it is sent by its
# digest (EVALSHA), and loaded into a server that does not know it yet.
COUNT = Script(
    None,
    b"""
local count = redis.call("INCR", KEYS[1])
if count == 1 then
    redis.call("EXPIRE", KEYS[1], ARGV[1])
end
return count
""",
)


class RedisCache(redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient

    def count(self, key, timeout, version=None):
        """
        Adds one to the count kept at `key` and returns it; a new count is kept `timeout` seconds. One command (a
        script Redis runs at once), where add() then incr() took three round trips: Django's incr() asks whether
        the key exists before it adds to it.
        """
        key = self.make_and_validate_key(key, version=version)
        return COUNT(keys=[key], args=[int(timeout)], client=self._cache.get_client(key, write=True))
