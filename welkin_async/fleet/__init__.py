"""Fleet mode: many processes on one API client share its limit, token and stores (Redis).

Install the ``redis`` extra (``pip install 'welkin-async[redis]'``): redis-py's asyncio client
with hiredis, and ``cryptography``. See "Running a fleet" in the README.

- :class:`RedisCoordination`, given as ``WelkinClient(coordination=...)``: one rate limit, one
  ``Retry-After`` pause, one adaptive rate and one (encrypted) token for the whole fleet;
- :class:`RedisCheckpoint`: export positions any process can resume from;
- :class:`RedisDedupe`: webhook deliveries taken once across every receiver;
- :class:`FleetStoreError`: what the two stores raise when Redis fails (they never guess);
- :class:`TokenRefreshFailed`: a call that found the fleet's token refresh failed moments ago;
- :class:`Coordination`, :class:`FleetMember`, :class:`Membership`, :class:`Gate` and
  :class:`IssuedToken`: the protocol between a client and its coordination, for a shared store
  other than Redis.
"""

from welkin_async._auth import IssuedToken
from welkin_async._coordination import Coordination, FleetMember, Membership
from welkin_async._limits import Gate
from welkin_async.fleet._coordination import RedisCoordination
from welkin_async.fleet._stores import FleetStoreError, RedisCheckpoint, RedisDedupe
from welkin_async.fleet._token import TokenRefreshFailed

__all__ = [
    "Coordination",
    "FleetMember",
    "FleetStoreError",
    "Gate",
    "IssuedToken",
    "Membership",
    "RedisCheckpoint",
    "RedisCoordination",
    "RedisDedupe",
    "TokenRefreshFailed",
]
