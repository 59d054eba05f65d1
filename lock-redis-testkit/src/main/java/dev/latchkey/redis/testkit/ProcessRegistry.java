package dev.latchkey.redis.testkit;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Every server process this kit started and has not yet seen exit. A JVM shutdown hook kills
 * them, so a failed or aborted test run leaves no {@code redis-server} behind (a JVM that is
 * itself SIGKILLed runs no hooks). Thread-safe.
 */
final class ProcessRegistry {

    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ProcessRegistry::killAll, "latchkey-redis-testkit-cleanup"));
    }

    private ProcessRegistry() {
    }

    static void register(Process process) {
        LIVE.add(process);
    }

    static void unregister(Process process) {
        LIVE.remove(process);
    }

    /** SIGKILL, which also ends a SIGSTOPped process: unlike SIGTERM it needs no resume first. */
    private static void killAll() {
        LIVE.forEach(Process::destroyForcibly);
        for (Process process : LIVE) {
            try {
                process.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
