package dev.latchkey.redis.common;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.latchkey.LockException;
import dev.latchkey.LockUnavailableException;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;

class RedisErrorsTest {

    private static String hintFor(RuntimeException e) {
        LockException out = RedisErrors.translate(e, "EVALSHA acquire.lua", "127.0.0.1:6379/0");
        assertTrue(out instanceof LockUnavailableException);
        assertSame(e, out.getCause());
        assertTrue(out.getMessage().startsWith("redis EVALSHA acquire.lua failed at 127.0.0.1:6379/0: "), out.getMessage());
        return out.getMessage();
    }

    @Test
    void errorCodesInsideAScriptError_areRecognized() {
        assertTrue(hintFor(new RuntimeException("ERR Error running script (call to f_abc): @user_script:5: @user_script: 5: "
                + "-OOM command not allowed when used memory > 'maxmemory'.")).contains("out of memory"));
        assertTrue(hintFor(new RuntimeException("ERR Error running script (call to f_abc): @user_script:5: "
                + "-READONLY You can't write against a read only replica.")).contains("read-only replica"));
        assertTrue(hintFor(new RuntimeException("OOM command not allowed when used memory > 'maxmemory'.")).contains("out of memory"));
    }

    @Test
    void errorCodesInACause_areRecognized() {
        RuntimeException wrapped = new RuntimeException("Unable to connect to 127.0.0.1:6379",
                new RuntimeException("WRONGPASS invalid username-password pair or user is disabled."));
        String msg = hintFor(wrapped);
        assertTrue(msg.contains("authentication failed") && msg.contains("WRONGPASS"), msg);
        assertTrue(hintFor(new RuntimeException("NOAUTH Authentication required.")).contains("authentication failed"));
        assertTrue(hintFor(new RuntimeException("LOADING Redis is loading the dataset in memory")).contains("not ready"));
    }

    @Test
    void connectionProblems_sayTheOutcomeIsUnknown() {
        assertTrue(hintFor(new UncheckedIOException(new IOException("Connection refused"))).contains("outcome of the call is unknown"));
        assertTrue(hintFor(new IllegalStateException("x", new java.net.SocketTimeoutException("Read timed out"))).contains("could not be reached"));
    }

    @Test
    void lowerCaseWords_doNotCountAsErrorCodes() {
        assertTrue(hintFor(new RuntimeException("ERR unknown command 'oom', with args beginning with:")).contains("returned an error"));
    }

    @Test
    void lockExceptionsPassThrough() {
        LockUnavailableException e = new LockUnavailableException("already translated");
        assertSame(e, RedisErrors.translate(e, "X", "y"));
    }
}
