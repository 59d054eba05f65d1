package dev.latchkey.redis.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Every server process started here and not yet seen exit, and every server directory not yet
 * deleted. A JVM shutdown hook kills the processes and deletes the directories, so that a JVM that
 * exits without closing its servers leaves nothing behind. (A JVM killed with SIGKILL runs no hook:
 * then each server's watchdog does the same; see {@link EmbeddedRedis}.) Thread-safe.
 */
final class ProcessRegistry {

    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();
    private static final Set<Path> DIRECTORIES = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ProcessRegistry::cleanUp, "latchkey-redis-cleanup"));
    }

    private ProcessRegistry() {
    }

    static void register(Process process) {
        LIVE.add(process);
    }

    static void unregister(Process process) {
        LIVE.remove(process);
    }

    static void register(Path directory) {
        DIRECTORIES.add(directory);
    }

    /** Deletes a directory and everything in it, and forgets it; a missing directory is fine. */
    static void delete(Path directory) {
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (NoSuchFileException gone) {
            // deleted already, for example by the watchdog
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete " + directory, e);
        }
        DIRECTORIES.remove(directory);
    }

    /** SIGKILL, which also ends a SIGSTOPped process: unlike SIGTERM it needs no resume first. */
    private static void cleanUp() {
        LIVE.forEach(Process::destroyForcibly);
        for (Process process : LIVE) {
            try {
                process.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        for (Path directory : DIRECTORIES) {
            try {
                delete(directory);
            } catch (UncheckedIOException e) {
                System.err.println("latchkey: " + e.getMessage() + ": " + e.getCause());
            }
        }
    }
}
