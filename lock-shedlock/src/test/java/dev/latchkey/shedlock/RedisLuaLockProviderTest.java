package dev.latchkey.shedlock;

import dev.latchkey.LockClient;
import dev.latchkey.Locks;
import dev.latchkey.redis.testkit.RedisServer;

/** The ShedLock contract end to end on redis-lua over a real redis-server. */
class RedisLuaLockProviderTest extends LockProviderContract {
    private static final RedisServer SERVER = RedisServer.shared();

    @Override
    LockClient newClient() {
        return Locks.open("redis-lua://127.0.0.1:" + SERVER.port() + "?client=jedis");
    }

    @Override
    int fuzzIterations() {
        return 30; // each run is a few round trips; 8 threads contend on 2 cores
    }
}
