"""
Sessions in the database with the cache (Redis) in front, as Django's `cached_db`, but a cache that does not answer
only makes them slower. Django's own reads the session from the database when the cache fails to give it, then
puts it in the cache without catching that failure too, and asks the cache first whether a new session key is
taken: with Redis down, every request of a signed-in staff member (a public page included) and every staff login
answered 500, while the README promises that the site works without Redis (only editors' saves are refused).
Signing out is the one thing refused then (the 503 page): Django's deleted the session from the database, then
failed to delete its copy in the cache, which signed the person in again once the cache answered.
"""

import logging

from django.contrib.sessions.backends import cached_db, db

from safedigital.cache import CACHE_ERRORS, ChangeNotAnnounced

logger = logging.getLogger("django.contrib.sessions")


class SessionStore(cached_db.SessionStore):
    def load(self):
        try:
            return super().load()
        except CACHE_ERRORS as error:  # the session read from the database could not be put in the cache
            logger.warning("Sessions: the cache did not answer (%s); reading the database", error)
            session = self._get_session_from_db()
            return self.decode(session.session_data) if session else {}

    def exists(self, session_key):
        try:
            return super().exists(session_key)
        except CACHE_ERRORS as error:
            logger.warning("Sessions: the cache did not answer (%s); reading the database", error)
            return db.SessionStore.exists(self, session_key)

    def flush(self):
        # Signing out: the cache's copy first. While the cache does not answer, the session is left whole and the
        # sign-out refused (ChangeNotAnnounced: the 503 page, saying nothing was kept and to try again).
        if self.session_key is not None:
            try:
                self._cache.delete(self.cache_key)
            except CACHE_ERRORS as error:
                raise ChangeNotAnnounced(
                    f"The session's copy in the cache could not be deleted: {error}"
                ) from error
        super().flush()
