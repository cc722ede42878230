"""The Redis cache backend keeps one redis-py client per connection pool (safedigital/redis_cache.py)."""

import pytest
from django.conf import settings

from safedigital.redis_cache import RedisCache


def test_every_cache_call_reuses_one_client():
    # Making a client connects to nothing, so this needs no Redis.
    cache = RedisCache("redis://127.0.0.1:6379/0", {})

    client = cache._cache.get_client(write=True)

    assert cache._cache.get_client() is client
    assert cache._cache.get_client("a-key", write=True) is client


@pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis (REDIS_URL), as CI's second run has")
def test_the_cache_works_as_django_s_own():
    cache = RedisCache(settings.REDIS_URL, {"KEY_PREFIX": "safedigital-test-redis-cache"})
    try:
        assert cache.add("count", 1, 60) is True
        assert cache.add("count", 5, 60) is False
        assert cache.incr("count") == 2
        with pytest.raises(ValueError, match="not found"):
            cache.incr("missing")
        cache.set_many({"a": [1, "two"], "b": None}, 60)
        assert cache.get_many(["a", "b", "c"]) == {"a": [1, "two"], "b": None}
    finally:
        cache.delete_many(["count", "a", "b"])


@pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis (REDIS_URL), as CI's second run has")
def test_a_count_adds_one_and_lives_from_its_first():
    cache = RedisCache(settings.REDIS_URL, {"KEY_PREFIX": "safedigital-test-redis-cache"})
    client = cache._cache.get_client(write=True)
    try:
        assert cache.count("hits", 60) == 1
        assert 55 < client.ttl(cache.make_key("hits")) <= 60
        client.expire(cache.make_key("hits"), 10)

        assert [cache.count("hits", 60) for _ in range(2)] == [2, 3]
        assert client.ttl(cache.make_key("hits")) <= 10
        assert cache.get("hits") == 3
    finally:
        cache.delete("hits")
