package dev.latchkey.redis.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

class RedisBinaryTest {

    private static final Supplier<RedisBinary> NOT_EMBEDDED = () -> fail("the embedded binary was chosen");

    @TempDir
    Path temp;

    @Test
    void forcedBinaryComesFirst() throws IOException {
        Path forced = executable(temp.resolve("forced"), "my-redis");
        Path onPath = executable(temp.resolve("bin"), "redis-server");
        RedisBinary binary = RedisBinary.select(forced.toString(), onPath.getParent().toString(), NOT_EMBEDDED);
        assertEquals(RedisBinary.Source.FORCED, binary.source());
        assertEquals(forced, binary.path());
        assertTrue(binary.describe().contains(RedisBinary.BINARY_SETTING), binary.describe());
    }

    @Test
    void forcedBinaryMustBeExecutable() throws IOException {
        Path notExecutable = Files.createFile(temp.resolve("redis-server"));
        for (String forced : new String[] {notExecutable.toString(), temp.resolve("missing").toString()}) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> RedisBinary.select(forced, null, NOT_EMBEDDED));
            assertTrue(e.getMessage().contains(RedisBinary.BINARY_SETTING + "=" + forced), e.getMessage());
        }
    }

    @Test
    void pathComesSecondAndSkipsDirectoriesWithoutIt() throws IOException {
        Path onPath = executable(temp.resolve("bin"), "redis-server");
        String path = String.join(File.pathSeparator, temp.resolve("empty").toString(), "", onPath.getParent().toString());
        RedisBinary binary = RedisBinary.select(null, path, NOT_EMBEDDED);
        assertEquals(RedisBinary.Source.PATH, binary.source());
        assertEquals(onPath, binary.path());
    }

    @Test
    void embeddedComesLastAndRunsWithoutRedisOnThePath() {
        for (String path : new String[] {null, "", temp.toString()}) {
            assertEquals(RedisBinary.Source.EMBEDDED, RedisBinary.select(null, path, RedisBinary::embedded).source());
        }
        RedisBinary embedded = RedisBinary.embedded();
        assertSame(embedded, RedisBinary.embedded());
        assertTrue(Files.isExecutable(embedded.path()));
        assertTrue(embedded.describe().contains("embedded-redis jar resource redis-server-6.2"), embedded.describe());
        assertTrue(embedded.version().startsWith("6.2."), embedded.version());
        try (EmbeddedRedis server = EmbeddedRedis.builder().binary(embedded).start();
             Jedis jedis = new Jedis(server.host(), server.port())) {
            assertTrue(jedis.info("server").contains("redis_version:" + embedded.version()));
        }
        assertEquals(Optional.empty(), embedded.redisCli(), "the embedded-redis jar ships no redis-cli");
    }

    @Test
    void defaultChoiceIsMadeOncePerJvm() {
        RedisBinary binary = RedisBinary.get();
        assertSame(binary, RedisBinary.get());
        assertTrue(Files.isExecutable(binary.path()), binary.describe());
    }

    @Test
    void redisCliIsFoundNextToTheBinaryOnly() throws IOException {
        Path server = executable(temp.resolve("bin"), "redis-server");
        RedisBinary binary = RedisBinary.select(null, server.getParent().toString(), NOT_EMBEDDED);
        assertEquals(Optional.empty(), binary.redisCli());
        Path cli = Files.createFile(server.resolveSibling("redis-cli"));
        assertEquals(Optional.empty(), binary.redisCli(), "not executable");
        Files.setPosixFilePermissions(cli, PosixFilePermissions.fromString("rwx------"));
        assertEquals(Optional.of(cli), binary.redisCli());
    }

    @Test
    void versionFailsClearlyForANonRedisBinary() throws IOException {
        Path fake = Files.writeString(executable(temp, "redis-server"), "#!/bin/sh\necho hello\n");
        RedisBinary binary = RedisBinary.select(fake.toString(), null, NOT_EMBEDDED);
        IllegalStateException e = assertThrows(IllegalStateException.class, binary::version);
        assertTrue(e.getMessage().contains("reported no version: hello"), e.getMessage());
    }

    @Test
    void concurrentExtractionsAgreeOnOneCompleteFile() throws Exception {
        String resource = RedisBinary.embeddedResource(System.getProperty("os.name"), System.getProperty("os.arch"));
        int threads = 4;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<RedisBinary>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                results.add(pool.submit(() -> {
                    go.await();
                    return RedisBinary.extract(resource, temp);
                }));
            }
            go.countDown();
            Path extracted = results.get(0).get().path();
            for (Future<RedisBinary> result : results) {
                assertEquals(extracted, result.get().path());
            }
            assertEquals(Files.size(RedisBinary.embedded().path()), Files.size(extracted));
            assertTrue(Files.isExecutable(extracted));
            try (Stream<Path> files = Files.list(extracted.getParent())) {
                assertEquals(List.of(extracted), files.toList(), "temporary files were left behind");
            }
            assertTrue(RedisBinary.extract(resource, temp).describe().endsWith("cached)"));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void embeddedResourceMatchesThePlatform() {
        assertEquals("redis-server-6.2.6-v5-linux-amd64", RedisBinary.embeddedResource("Linux", "amd64"));
        assertEquals("redis-server-6.2.6-v5-linux-amd64", RedisBinary.embeddedResource("Linux", "x86_64"));
        assertEquals("redis-server-6.2.7-linux-arm64", RedisBinary.embeddedResource("Linux", "aarch64"));
        assertEquals("redis-server-6.2.6-v5-darwin-arm64", RedisBinary.embeddedResource("Mac OS X", "aarch64"));
        assertEquals("redis-server-6.2.6-v5-darwin-amd64", RedisBinary.embeddedResource("Mac OS X", "x86_64"));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> RedisBinary.embeddedResource("Windows 11", "amd64"));
        assertTrue(e.getMessage().contains("Windows 11/amd64"), e.getMessage());
    }

    private static Path executable(Path dir, String name) throws IOException {
        Files.createDirectories(dir);
        return Files.createFile(dir.resolve(name), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
}
