package dev.latchkey.spring.integration;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.latchkey.LockClient;
import dev.latchkey.LockUnavailableException;
import dev.latchkey.Locks;
import dev.latchkey.redis.testkit.RedisServer;
import java.util.concurrent.locks.Lock;
import org.junit.jupiter.api.Test;
import org.springframework.dao.CannotAcquireLockException;

/** The registry contract end to end on redis-lua over a real redis-server. */
class RedisLuaLockRegistryTest extends LockRegistryContract {
    private static final RedisServer SERVER = RedisServer.shared();

    @Override
    LockClient newClient() {
        return Locks.open("redis-lua://127.0.0.1:" + SERVER.port() + "?client=jedis&timeout=1s");
    }

    @Test
    void unreachableBackend_isCannotAcquireLock_andHoldsNothing() {
        try (RedisServer own = RedisServer.start();
             LockClient client = Locks.open("redis-lua://127.0.0.1:" + own.port() + "?client=jedis&timeout=1s")) {
            LatchkeyLockRegistry registry = new LatchkeyLockRegistry(client);
            Lock lock = registry.obtain(foo);
            own.kill();
            CannotAcquireLockException e = assertThrows(CannotAcquireLockException.class, lock::tryLock);
            assertTrue(e.getCause() instanceof LockUnavailableException, String.valueOf(e.getCause()));
            assertFalse(((FencedLock) lock).isHeldByCurrentThread());
            assertThrows(IllegalMonitorStateException.class, lock::unlock);
        }
    }
}
